#!/bin/bash
# Builds the guest for `make test-system`: a Debian bookworm root with systemd as PID 1, udev, libmtp and
# libusb (what the daemon links), libmtp's own tools (the independent client QEMU's MTP device is checked
# with), python3 for the guest agent, and Debian's kernel. Writes into OUT (a new directory):
#   root.img   ext4 image of the root (the VM opens it with snapshot=on, so it stays pristine)
#   vmlinuz, initrd.img   the kernel and an initramfs that can mount it from virtio-blk
# Usage: build-root.sh OUT PACKAGE...   (run.py passes the package list; both are part of the cache key)
set -euo pipefail
out=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${out}.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root

# The initramfs needs only virtio-blk and ext4 to find the root; the default (MODULES=most) carries every
# storage driver, which TCG pays for at each boot when it decompresses it. force-confold keeps the module
# list written before initramfs-tools is unpacked.
setup_hook='mkdir -p "$1/etc/initramfs-tools/conf.d" && printf "MODULES=list\nCOMPRESS=gzip\n" > "$1/etc/initramfs-tools/conf.d/mtpsessiond-vm.conf" && printf "virtio_pci\nvirtio_blk\next4\n" > "$1/etc/initramfs-tools/modules"'

customize_hook='
set -e
r="$1"
echo mtpvm > "$r/etc/hostname"
printf "/dev/vda / ext4 rw,relatime 0 1\n" > "$r/etc/fstab"
passwd -R "$r" -d root >/dev/null
install -Dm755 "'"$here"'/guest-agent.py" "$r/usr/local/libexec/mtp-test-agent"
install -Dm644 "'"$here"'/guest/mtp-test-agent.service" "$r/etc/systemd/system/mtp-test-agent.service"
install -Dm644 "'"$here"'/guest/99-mtp-test-agent.rules" "$r/etc/udev/rules.d/99-mtp-test-agent.rules"
# Nothing in the test needs these, and each costs seconds of TCG time at boot or later.
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer man-db.timer dpkg-db-backup.timer \
         systemd-timesyncd.service getty@tty1.service; do ln -sf /dev/null "$r/etc/systemd/system/$u"; done
# Kernel modules no VM here loads: a smaller image to build and copy.
for d in drivers/gpu drivers/net/wireless drivers/net/ethernet drivers/infiniband drivers/media drivers/staging \
         sound net/wireless net/mac80211 net/bluetooth drivers/bluetooth drivers/scsi/qla2xxx drivers/scsi/lpfc; do
  rm -rf "$r"/lib/modules/*/kernel/$d
done
for k in "$r"/lib/modules/*; do chroot "$r" depmod "$(basename "$k")"; done
rm -rf "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/locale/* "$r"/var/cache/apt/*.bin
'

mmdebstrap --variant=minbase --mode=root --format=directory \
  --include="$(IFS=,; echo "$*")" \
  --dpkgopt=force-confold --dpkgopt=force-confdef \
  --setup-hook="$setup_hook" --customize-hook="$customize_hook" \
  bookworm "$root" \
  "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"

mkdir -p "$out"
cp "$root"/boot/vmlinuz-* "$out/vmlinuz"
cp "$root"/boot/initrd.img-* "$out/initrd.img"
# Room for the project, test files and the journal; the file is sparse.
mke2fs -q -t ext4 -L mtpvm -d "$root" -E root_owner=0:0 "$out/root.img" 3G
