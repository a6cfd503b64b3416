# The native packages every check builds together: clippy, the tests and the browser suite's server
# name the same set, so cargo unifies the same features and none of them rebuilds another's tree.
# Sourced by scripts/test.sh and scripts/browser-tests.sh.
# shellcheck disable=SC2034
NATIVE_PACKAGES=(-p app -p server -p twitch-sim -p vip-bench)
