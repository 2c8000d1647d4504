#!/bin/sh
# PID 1 of a User-Mode Linux guest booted by timeslave's real-kernel tests (timeslave.uml.UmlGuest).
# The root file system is the host's own (hostfs): the guest writes only below UML_SCRATCH, a
# directory the test made for it; /tmp and /run are private tmpfs. Parameters arrive as environment
# variables from KEY=VALUE words on the kernel command line:
#   UML_SCRATCH  the test's scratch directory (required): run.sh is run from it, its output and
#                the kernel-state lines go there
#   UML_NET      "GUEST_IP/30,HOST_IP,HOST_MAC": configure the tap (vec0) with a static neighbour
#                and no default route
#   UML_SHIFT_NS step the guest's clock by this many ns before run.sh (e.g. -500000000)
#   UML_DATE     set the guest's clock to this UTC date (date -s, "_" for spaces) before run.sh
#   UML_KEEP     the project's directory: when it lies below /tmp or /run (a CI clone, say) it is
#                bind-mounted aside before those get their tmpfs and moved back to its own path after,
#                so the guest still sees the classes and its scratch directory there
# The clock-write guard of the host's tests is cleared here only: this kernel's clock is the one
# under test, and nothing in the guest can reach the host's clock (linux.uml runs without CAP_SYS_TIME).
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
unset TIMESLAVE_FORBID_CLOCK_WRITES
mount -t proc proc /proc
mount -t sysfs sys /sys
mountpoint -q /dev || mount -t devtmpfs dev /dev
case "$UML_KEEP" in
  /tmp/*|/run/*) mkdir -p /dev/.uml-keep && mount --bind "$UML_KEEP" /dev/.uml-keep || UML_KEEP= ;;
  *) UML_KEEP= ;;
esac
mount -t tmpfs -o mode=1777 tmp /tmp
mount -t tmpfs -o mode=755 run /run
if [ -n "$UML_KEEP" ]; then
  mkdir -p "$UML_KEEP" && mount --move /dev/.uml-keep "$UML_KEEP"
fi
HOME=/tmp
export HOME
out=$UML_SCRATCH/guest.out
{
  echo "guest: kernel $(uname -r) up"
  ip link set lo up
  if [ -n "$UML_NET" ]; then
    set -- $(echo "$UML_NET" | tr , " ")
    ip link set vec0 up
    ip addr add "$1" dev vec0
    ip neigh replace "$2" lladdr "$3" dev vec0 nud permanent
    echo "guest: vec0 $1, neighbour $2 at $3"
  fi
  if [ -n "$UML_DATE" ]; then
    date -u -s "$(echo "$UML_DATE" | tr _ " ")" >/dev/null && echo "guest: date set to $(date -u '+%F %T.%N')"
  fi
  if [ -n "$UML_SHIFT_NS" ]; then
    now=$(date +%s%N)
    t=$((now + UML_SHIFT_NS))
    date -u -s "@$((t / 1000000000)).$(printf %09d $((t % 1000000000)))" >/dev/null
    echo "guest: clock shifted by $UML_SHIFT_NS ns"
  fi
  grep ' ktime_get_real_seconds$' /proc/kallsyms > "$UML_SCRATCH/kallsyms"
  echo "guest: running run.sh"
  (cd "$UML_SCRATCH" && sh ./run.sh)
  echo "guest: run.sh exited $?"
} >"$out" 2>&1
sync
echo o > /proc/sysrq-trigger
sleep 60
