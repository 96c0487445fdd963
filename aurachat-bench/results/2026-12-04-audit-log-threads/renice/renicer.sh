#!/usr/bin/env bash
# renice every thread whose name starts with $1 to nice $2, forever (experiment only)
pat=$1; n=$2
while true; do
  for c in /proc/[0-9]*/task/[0-9]*/comm; do
    read -r name < "$c" 2>/dev/null || continue
    case "$name" in "$pat"*)
      tid=${c%/comm}; tid=${tid##*/}
      cur=$(awk '{print $19}' /proc/$tid/stat 2>/dev/null)
      [ "$cur" != "$n" ] && renice -n "$n" -p "$tid" >/dev/null 2>&1 && echo "$(date +%T) reniced $name $tid" ;;
    esac
  done
  sleep 0.2
done
