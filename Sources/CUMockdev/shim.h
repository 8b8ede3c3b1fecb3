// The umockdev testbed and the Linux usbdevfs ABI, for the virtual player's USB layer only.
#pragma once
#include <umockdev.h>
#include <sys/ioctl.h>
#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <linux/usb/ch9.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <stddef.h>

// The USBDEVFS_* request numbers are function-like macros (_IOWR …), which Swift cannot import.
static inline unsigned long mtpsim_usbdevfs_submiturb(void) { return USBDEVFS_SUBMITURB; }
static inline unsigned long mtpsim_usbdevfs_discardurb(void) { return USBDEVFS_DISCARDURB; }
static inline unsigned long mtpsim_usbdevfs_reapurb(void) { return USBDEVFS_REAPURB; }
static inline unsigned long mtpsim_usbdevfs_reapurbndelay(void) { return USBDEVFS_REAPURBNDELAY; }
static inline unsigned long mtpsim_usbdevfs_claiminterface(void) { return USBDEVFS_CLAIMINTERFACE; }
static inline unsigned long mtpsim_usbdevfs_releaseinterface(void) { return USBDEVFS_RELEASEINTERFACE; }
static inline unsigned long mtpsim_usbdevfs_get_capabilities(void) { return USBDEVFS_GET_CAPABILITIES; }
static inline unsigned long mtpsim_usbdevfs_getdriver(void) { return USBDEVFS_GETDRIVER; }
static inline unsigned long mtpsim_usbdevfs_ioctl(void) { return USBDEVFS_IOCTL; }
static inline unsigned long mtpsim_usbdevfs_reset(void) { return USBDEVFS_RESET; }
static inline unsigned long mtpsim_usbdevfs_resetep(void) { return USBDEVFS_RESETEP; }
static inline unsigned long mtpsim_usbdevfs_clear_halt(void) { return USBDEVFS_CLEAR_HALT; }
static inline unsigned long mtpsim_usbdevfs_setinterface(void) { return USBDEVFS_SETINTERFACE; }
static inline unsigned long mtpsim_usbdevfs_setconfiguration(void) { return USBDEVFS_SETCONFIGURATION; }
static inline unsigned long mtpsim_usbdevfs_control(void) { return USBDEVFS_CONTROL; }
static inline unsigned long mtpsim_usbdevfs_disconnect_claim(void) { return USBDEVFS_DISCONNECT_CLAIM; }
static inline unsigned long mtpsim_usbdevfs_alloc_streams(void) { return USBDEVFS_ALLOC_STREAMS; }
static inline unsigned long mtpsim_usbdevfs_disconnect(void) { return USBDEVFS_DISCONNECT; }
static inline unsigned long mtpsim_usbdevfs_connect(void) { return USBDEVFS_CONNECT; }

// Offsets into struct usbdevfs_urb that umockdev needs to resolve the buffer pointer in the client.
static inline gsize mtpsim_urb_buffer_offset(void) { return offsetof(struct usbdevfs_urb, buffer); }

// g_signal_connect is a macro; this names the one signal we connect with its real C type.
typedef gboolean (*mtpsim_handle_ioctl_fn)(UMockdevIoctlBase *, UMockdevIoctlClient *, gpointer);
typedef void (*mtpsim_client_fn)(UMockdevIoctlBase *, UMockdevIoctlClient *, gpointer);
static inline gulong mtpsim_connect_handle_ioctl(UMockdevIoctlBase *h, mtpsim_handle_ioctl_fn fn, gpointer data) {
    return g_signal_connect_data(h, "handle-ioctl", G_CALLBACK(fn), data, NULL, 0);
}
static inline gulong mtpsim_connect_client_signal(UMockdevIoctlBase *h, const char *signal, mtpsim_client_fn fn, gpointer data) {
    return g_signal_connect_data(h, signal, G_CALLBACK(fn), data, NULL, 0);
}

// prctl is variadic, which Swift cannot call.
static inline int mtpsim_set_timer_slack(unsigned long nanoseconds) { return prctl(PR_SET_TIMERSLACK, nanoseconds, 0, 0, 0); }

// Offsets into struct usbdevfs_urb of what a completion writes back.
static inline gsize mtpsim_urb_status_offset(void) { return offsetof(struct usbdevfs_urb, status); }
static inline gsize mtpsim_urb_actual_length_offset(void) { return offsetof(struct usbdevfs_urb, actual_length); }
