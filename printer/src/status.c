#include "printer/status.h"

const char *printer_status_name(int st)
{
	switch (st) {
	case PRINTER_OK: return "ok";
	case PRINTER_ERR_INVALID: return "invalid";
	case PRINTER_ERR_TEMPLATE: return "template";
	case PRINTER_ERR_RENDER: return "render";
	case PRINTER_ERR_NOT_FOUND: return "not_found";
	case PRINTER_ERR_UNREACHABLE: return "unreachable";
	case PRINTER_ERR_REJECTED: return "rejected";
	case PRINTER_ERR_TIMEOUT: return "timeout";
	case PRINTER_ERR_ABORTED: return "aborted";
	case PRINTER_ERR_CANCELED: return "canceled";
	case PRINTER_ERR_IO: return "io";
	case PRINTER_ERR_BUSY: return "busy";
	}
	return "unknown";
}
