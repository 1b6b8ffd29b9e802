package graph

import (
	"github.com/ferryhq/ferry/graph/model"
	"github.com/ferryhq/ferry/internal/adapter/sender"
)

// verification maps a sender result to the verifyURL payload.
func verification(res sender.Result) *model.URLVerification {
	out := &model.URLVerification{Ok: res.OK(), DurationMs: int(res.Duration.Milliseconds())}
	if res.StatusCode != 0 {
		code := res.StatusCode
		body := string(res.ResponseBody)
		out.StatusCode, out.ResponseBody = &code, &body
	}
	if res.Error != "" {
		msg := res.Error
		out.Error = &msg
	}
	return out
}
