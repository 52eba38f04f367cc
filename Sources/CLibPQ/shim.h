#ifndef TIDTAM_CLIBPQ_SHIM_H
#define TIDTAM_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <poll.h>
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
#endif
