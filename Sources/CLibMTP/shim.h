// libmtp, the service provider's engine. Only the Swift wrapper module imports this.
#pragma once
#include <libmtp.h>
