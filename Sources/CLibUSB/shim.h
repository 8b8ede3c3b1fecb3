// libusb-1.0, for hotplug notifications, and usbdevfs for a port reset. Only MTPProvider imports this.
#pragma once
#include <libusb.h>
#include <sys/ioctl.h>
#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>
// The port reset the device watchdog sends through a descriptor of its own (the libusb handle is libmtp's).
static inline unsigned long mtpsessiond_usbdevfs_reset(void) { return USBDEVFS_RESET; }
