#include "domain/rating.h"

#include <string.h>

static const struct {
	const char *name, *vi, *en;
} rating_levels[RATING_LEVEL_COUNT] = {
    [RATING_VERY_SATISFIED] = {"very_satisfied", "Rất hài lòng", "Very satisfied"},
    [RATING_SATISFIED] = {"satisfied", "Hài lòng", "Satisfied"},
    [RATING_NEUTRAL] = {"neutral", "Bình thường", "Neutral"},
    [RATING_NOT_SATISFIED] = {"not_satisfied", "Không hài lòng", "Not satisfied"},
};

const char *rating_level_name(enum rating_level level)
{
	return rating_levels[level].name;
}

const char *rating_level_label_vi(enum rating_level level)
{
	return rating_levels[level].vi;
}

const char *rating_level_label_en(enum rating_level level)
{
	return rating_levels[level].en;
}

bool rating_level_parse(const char *s, enum rating_level *out)
{
	for (int i = 0; s && i < RATING_LEVEL_COUNT; i++)
		if (strcmp(s, rating_levels[i].name) == 0) {
			*out = (enum rating_level)i;
			return true;
		}
	return false;
}

bool rating_level_valid(const char *s)
{
	enum rating_level l;
	return rating_level_parse(s, &l);
}

const char *rating_kind_name(enum rating_kind kind)
{
	return kind == RATING_KIND_DOSSIER ? "dossier" : "ticket";
}

bool rating_kind_parse(const char *s, enum rating_kind *out)
{
	if (s && strcmp(s, "dossier") == 0)
		*out = RATING_KIND_DOSSIER;
	else if (s && strcmp(s, "ticket") == 0)
		*out = RATING_KIND_TICKET;
	else
		return false;
	return true;
}

long rating_comment_chars(const char *s)
{
	long n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 && *p != '\n' && *p != '\t')
			return -1;
		if ((*p & 0xC0) != 0x80)
			n++;
	}
	return n;
}

bool rating_comment_valid(const char *s)
{
	long chars = s ? rating_comment_chars(s) : -1;
	return chars >= 0 && chars <= RATING_COMMENT_MAX;
}

bool rating_token_normalise(const char *typed, char *out, size_t len)
{
	size_t n = 0;
	if (typed == NULL || strlen(typed) > RATING_TOKEN_TYPED_MAX || len < 2)
		return false;
	for (const char *p = typed; *p && n < len - 1; p++)
		if (*p != '-' && *p != ' ')
			out[n++] = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
	out[n] = '\0';
	return n > 0;
}

static const struct {
	const char *code, *vi, *en;
	bool conflict;
} rating_refusals[] = {
    [RATING_ALLOWED] = {NULL, NULL, NULL, false},
    [RATING_DOSSIER_NOT_FOUND] = {"dossier_not_found", "Không có hồ sơ này", "No such dossier",
                                  false},
    [RATING_TICKET_NOT_FOUND] = {"ticket_not_found", "Không có phiếu này", "No such ticket", false},
    [RATING_TICKET_NOT_SERVED] = {"ticket_not_served", "Phiếu này chưa được phục vụ tại quầy",
                                  "This ticket has not been served at a counter", true},
    [RATING_ALREADY_RATED] = {"already_rated",
                              "Lượt phục vụ này đã được đánh giá. Xin chân thành cảm ơn "
                              "ông/bà đã góp ý!",
                              "This visit has been rated already. Thank you for your feedback!",
                              true},
    [RATING_LINK_NOT_FOUND] = {"rating_link_not_found",
                               "Đường dẫn đánh giá không đúng hoặc đã hết hạn",
                               "This rating link is wrong or has expired", false},
};

void rating_refusal_text(enum rating_refusal why, const char **code, const char **vi,
                         const char **en)
{
	*code = rating_refusals[why].code;
	*vi = rating_refusals[why].vi;
	*en = rating_refusals[why].en;
}

bool rating_refusal_is_conflict(enum rating_refusal why)
{
	return rating_refusals[why].conflict;
}

enum rating_refusal rating_may_issue(const struct rating_subject_state *s)
{
	if (!s->found)
		return s->kind == RATING_KIND_DOSSIER ? RATING_DOSSIER_NOT_FOUND
		                                      : RATING_TICKET_NOT_FOUND;
	if (s->kind == RATING_KIND_TICKET && !s->served)
		return RATING_TICKET_NOT_SERVED;
	if (s->rated)
		return RATING_ALREADY_RATED;
	return RATING_ALLOWED;
}

enum rating_refusal rating_may_submit(bool link_found, int64_t expires_at, int64_t now, bool rated)
{
	if (!link_found || expires_at <= now)
		return RATING_LINK_NOT_FOUND;
	if (rated)
		return RATING_ALREADY_RATED;
	return RATING_ALLOWED;
}

int64_t rating_link_expiry(int64_t now)
{
	return now + RATING_LINK_SECONDS;
}
