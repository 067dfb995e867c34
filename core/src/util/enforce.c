#include "util/enforce.h"

#include <stdlib.h>

#include "util/log.h"

_Noreturn void enforce_failed(const char *file, int line, const char *cond, const char *what)
{
	log_error("%s:%d: broken rule: %s (%s)", file, line, what, cond);
	abort();
}
