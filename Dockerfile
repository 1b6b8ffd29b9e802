# Static Ferry binary on a minimal, non-root base.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath \
    -ldflags="-s -w -X github.com/ferryhq/ferry/internal/app.Version=${VERSION}" -o /ferry .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /ferry /ferry
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/ferry"]
CMD ["serve"]
