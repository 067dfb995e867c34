/* The one status vocabulary of the printer library. Every function that can fail
 * returns an enum printer_status and, when given a buffer, writes a one-line
 * English explanation into it. Nothing in the library aborts on a printer or
 * template failure (only on memory exhaustion, like the rest of motcua). */
#ifndef MOTCUA_PRINTER_STATUS_H
#define MOTCUA_PRINTER_STATUS_H

#include <stddef.h>

enum printer_status {
	PRINTER_OK = 0,
	PRINTER_ERR_INVALID,     /* bad argument: NULL, empty, unknown paper or format */
	PRINTER_ERR_TEMPLATE,    /* form template missing or malformed */
	PRINTER_ERR_RENDER,      /* cairo, pango or libqrencode failed */
	PRINTER_ERR_NOT_FOUND,   /* no CUPS queue of that name */
	PRINTER_ERR_UNREACHABLE, /* cannot connect to the printer or to cupsd */
	PRINTER_ERR_REJECTED,    /* the printer answered and refused the job */
	PRINTER_ERR_TIMEOUT,     /* no answer, or the job did not finish, in time */
	PRINTER_ERR_ABORTED,     /* the printer aborted the job (jam, out of paper...) */
	PRINTER_ERR_CANCELED,    /* someone canceled the job at the printer */
	PRINTER_ERR_IO,          /* file or stream I/O failed */
	PRINTER_ERR_BUSY,        /* the printer answered "busy, try again shortly" (IPP
	                          * server-error-busy while it prints another job, ...) */
};

/* A stable lower-case name for st ("ok", "unreachable", ...), for logs and the
 * spool table; "unknown" for values outside the enum. Never NULL, static storage. */
const char *printer_status_name(int st);

#endif
