#ifndef TIDTAM_CLIBPQ_SHIM_H
#define TIDTAM_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <poll.h>
#endif
