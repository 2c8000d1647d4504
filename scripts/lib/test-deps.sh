# Sourced by scripts: where .ci/install-deps unpacked the third-party programs (apt-get download +
# dpkg-deb -x, never installed as Debian packages). program PATH prints the unpacked copy of a file
# named by its path in its Debian package, or PATH itself where the package is installed.
TIMESLAVE_TEST_DEPS=${TIMESLAVE_TEST_DEPS:-/var/cache/timeslave-test-deps}
program() {
  if [ -e "$TIMESLAVE_TEST_DEPS/root$1" ]; then printf '%s\n' "$TIMESLAVE_TEST_DEPS/root$1"; else printf '%s\n' "$1"; fi
}
CHRONYD=$(program /usr/sbin/chronyd)
CHRONYC=$(program /usr/bin/chronyc)
LIBFAKETIME=$(program /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1)
INETD=$(program /usr/sbin/inetd)
