/* Rules whose breaking is a bug, not an error: a connection used by a thread
 * that does not own it, a lock released by a thread that does not hold it, a
 * request state freed twice. ENFORCE checks such a rule in every build type
 * (it is not assert(): NDEBUG does not remove it) and, when it is broken,
 * logs where and what, then abort()s, so the process stops before it can
 * corrupt data. A silent race once overwrote page 1 of an office's file. */
#ifndef MOTCUA_ENFORCE_H
#define MOTCUA_ENFORCE_H

#define ENFORCE(cond, what)                                                                        \
	do {                                                                                       \
		if (!(cond))                                                                       \
			enforce_failed(__FILE__, __LINE__, #cond, (what));                         \
	} while (0)

/* Logs "file:line: broken rule: what (cond)" and aborts. */
_Noreturn void enforce_failed(const char *file, int line, const char *cond, const char *what);

#endif
