// libusb-1.0, for hotplug notifications. Only the Swift wrapper module imports this.
#pragma once
#include <libusb.h>
