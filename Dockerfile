# Build: a static binary, no cgo.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
    -o /out/confab ./cmd/confab \
 && mkdir -p /out/data

# Run: only the binary, as a non-root user, data in a volume.
FROM scratch
COPY --from=build /out/confab /confab
COPY --from=build --chown=10001:10001 /out/data /data
USER 10001:10001
ENV CONFAB_ADDR=:8080 CONFAB_DATA_DIR=/data CONFAB_UDP_PORT=7882 CONFAB_TCP_PORT=7881
VOLUME /data
EXPOSE 8080/tcp 7882/udp 7881/tcp
ENTRYPOINT ["/confab"]
CMD ["serve"]
