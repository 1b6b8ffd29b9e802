# Static Ferry binary on a minimal, non-root base.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /ferry .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /ferry /ferry
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/ferry"]
CMD ["serve"]
