#include "domain/print_policy.h"

int print_backoff_ms(int attempts)
{
	if (attempts < 1)
		return 0;
	int ms = PRINT_BACKOFF_FIRST_MS;
	for (int i = 1; i < attempts && ms < PRINT_BACKOFF_MAX_MS; i++)
		ms *= 2;
	return ms < PRINT_BACKOFF_MAX_MS ? ms : PRINT_BACKOFF_MAX_MS;
}

bool print_should_retry(enum print_failure why, int attempts)
{
	switch (why) {
	case PRINT_FAIL_AWAY:
	case PRINT_FAIL_BUSY: return true;
	case PRINT_FAIL_REFUSED: return attempts < PRINT_REJECTED_ATTEMPTS;
	case PRINT_FAIL_ABORTED:
	case PRINT_FAIL_INVALID: return false;
	}
	return false;
}
