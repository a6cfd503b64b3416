# Multi-stage build: the official Rust image builds the server and the WASM bundle with cargo-leptos;
# the runtime image holds only the binary and the site folder and runs as a non-root user.

FROM rust:1-bookworm AS builder
RUN rustup target add wasm32-unknown-unknown \
 && apt-get update && apt-get install -y --no-install-recommends nodejs npm curl python3 \
 && rm -rf /var/lib/apt/lists/*
# The tools' versions come from tool-versions, as for scripts/setup.sh, and every `cargo install`
# is --locked. cargo-leptos without its downloader; wasm-bindgen-cli must equal the pinned
# wasm-bindgen crate, and its script replaces the one yanked entry of its published lock file.
COPY tool-versions /tmp/tool-versions
COPY scripts/install-wasm-bindgen.sh /tmp/install-wasm-bindgen.sh
RUN . /tmp/tool-versions \
 && cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads \
 && TOOL_VERSIONS=/tmp/tool-versions /tmp/install-wasm-bindgen.sh \
 && npm install -g "binaryen@$BINARYEN_VERSION" "@tailwindcss/cli@$TAILWIND_VERSION" "tailwindcss@$TAILWIND_VERSION"
ENV NODE_PATH=/usr/local/lib/node_modules
WORKDIR /build
COPY . .
# --split: each page's browser code is its own WASM chunk (lazy routes), loaded when first shown.
RUN cargo leptos build --release --split

FROM debian:bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app vip
WORKDIR /app
COPY --from=builder /build/target/release/server /app/server
COPY --from=builder /build/target/site /app/site
RUN mkdir -p /app/data && chown vip /app/data
USER vip
ENV LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_ADDR=0.0.0.0:8080 \
    LEPTOS_OUTPUT_NAME=vip-manager \
    LOG_FORMAT=json \
    PORT=8080
# Never a demo by accident: without Twitch credentials the server refuses to start.
# `docker run -e DEMO=1 -e DEMO_LISTEN_PUBLIC=1 …` runs the demo on purpose.
ENV DEMO=0
EXPOSE 8080
CMD ["/app/server"]
