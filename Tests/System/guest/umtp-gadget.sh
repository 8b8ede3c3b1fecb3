#!/bin/sh
# uMTP-Responder as a USB device of the guest itself: a gadget on dummy_hcd, whose host side is a USB bus of the
# same kernel, so the device is enumerated, probed by udev and opened by libusb like a phone on a cable.
#   umtp-gadget up       load the modules, make the gadget (configfs + FunctionFS), start umtprd, plug it in
#   umtp-gadget plug     connect the gadget to the dummy controller (the host side sees a new device)
#   umtp-gadget unplug   disconnect it (the host side sees the device removed; umtprd keeps running)
# The storage umtprd serves is /var/lib/umtp; its serial is UMTPVM0001.
set -eu
g=/sys/kernel/config/usb_gadget/mtpvm

wait_for() {  # wait_for SECONDS TEST...: polls a condition the kernel or umtprd makes true
    limit=$(( $1 * 10 )); shift
    while ! "$@"; do
        limit=$((limit - 1)); [ $limit -gt 0 ] || { echo "umtp-gadget: timed out waiting for: $*" >&2; exit 1; }
        sleep 0.1
    done
}

case "${1:-}" in
up)
    modprobe dummy_hcd
    modprobe libcomposite
    modprobe usb_f_fs
    mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
    mkdir -p /var/lib/umtp /etc/umtprd
    cat > /etc/umtprd/umtprd.conf <<'CONF'
loop_on_disconnect 1
storage "/var/lib/umtp" "uMTP storage" "rw"
manufacturer "mtpsessiond system test"
product "uMTP-Responder"
serial "UMTPVM0001"
firmware_version "test"
interface "MTP"
usb_vendor_id  0x1D6B
usb_product_id 0x0100
usb_class 0x6
usb_subclass 0x1
usb_protocol 0x1
usb_dev_version 0x3008
usb_functionfs_mode 0x1
usb_dev_path   "/dev/ffs-mtp/ep0"
usb_epin_path  "/dev/ffs-mtp/ep1"
usb_epout_path "/dev/ffs-mtp/ep2"
usb_epint_path "/dev/ffs-mtp/ep3"
usb_max_packet_size 0x200
CONF
    mkdir -p $g/strings/0x409 $g/configs/c.1/strings/0x409 $g/functions/ffs.mtp
    echo 0x1d6b > $g/idVendor
    echo 0x0100 > $g/idProduct
    echo UMTPVM0001 > $g/strings/0x409/serialnumber
    echo "mtpsessiond system test" > $g/strings/0x409/manufacturer
    echo "uMTP-Responder" > $g/strings/0x409/product
    echo "MTP" > $g/configs/c.1/strings/0x409/configuration
    [ -e $g/configs/c.1/ffs.mtp ] || ln -s $g/functions/ffs.mtp $g/configs/c.1/
    mkdir -p /dev/ffs-mtp
    mountpoint -q /dev/ffs-mtp || mount -t functionfs mtp /dev/ffs-mtp
    # A transient unit: its output goes to the journal, and it is stopped like any service.
    systemd-run --unit=umtprd --collect --quiet /usr/bin/umtprd
    # umtprd writes its descriptors to ep0; FunctionFS then creates the data endpoints, and only then may the
    # gadget be bound to a controller.
    wait_for 30 test -e /dev/ffs-mtp/ep1
    exec "$0" plug
    ;;
plug)
    udc=$(ls /sys/class/udc | head -n 1)
    [ -n "$udc" ] || { echo "umtp-gadget: no USB device controller (is dummy_hcd loaded?)" >&2; exit 1; }
    echo "$udc" > $g/UDC
    ;;
unplug)
    [ -z "$(cat $g/UDC)" ] || echo "" > $g/UDC
    ;;
*)
    echo "usage: umtp-gadget up|plug|unplug" >&2; exit 64
    ;;
esac
