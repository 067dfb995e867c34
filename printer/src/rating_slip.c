/* The rating slip's words (printer/rating_slip.h), drawn by printer/slip.c. */
#include "printer/rating_slip.h"

#include <stdlib.h>
#include <string.h>

#include "printer/format_vi.h"
#include "printer/slip.h"
#include "util.h"

char *printer_rating_code_grouped(const char *token, char *out, size_t len)
{
	size_t n = 0;
	if (len == 0)
		return out;
	for (size_t i = 0; token && token[i] && n + 1 < len; i++) {
		if (i > 0 && i % 4 == 0) {
			if (n + 2 >= len)
				break;
			out[n++] = '-';
		}
		out[n++] = token[i];
	}
	out[n] = '\0';
	return out;
}

int printer_rating_slip_render(const struct printer_rating_slip *r, enum printer_format format,
                               enum printer_paper paper, uint8_t **out, size_t *out_len, char *err,
                               size_t err_size)
{
	*out = NULL;
	*out_len = 0;
	if (r->token == NULL || *r->token == '\0' || r->base_url == NULL)
		return printer__fail(err, err_size, PRINTER_ERR_INVALID,
		                     "a rating slip needs its token and address");
	size_t blen = strlen(r->base_url);
	while (blen > 0 && r->base_url[blen - 1] == '/')
		blen--;
	char until[32], grouped[96];
	printer_fmt_date_vi(r->expires_at, r->utc_offset_seconds, false, until, sizeof until);
	printer_rating_code_grouped(r->token, grouped, sizeof grouped);
	const char *what = r->what ? r->what : "";
	char *text =
	    r->dossier_code
	        ? xasprintf("Hồ sơ: %s\n%s\nÔng/bà vui lòng cho biết mức độ hài lòng về "
	                    "việc giải quyết hồ sơ.",
	                    r->dossier_code, what)
	        : xasprintf("Số thứ tự: %s\n%s\nÔng/bà vui lòng cho biết mức độ hài lòng về "
	                    "việc phục vụ tại quầy.",
	                    r->ticket_label ? r->ticket_label : "", what);
	char *url = xasprintf("%.*s/rate?t=%s", (int)blen, r->base_url, r->token);
	/* The short address and the code below, never the long link: a URL
	 * broken across lines cannot be typed. */
	char *caption =
	    xasprintf("Quét mã QR bằng điện thoại, hoặc mở %.*s/rate và nhập mã dưới đây",
	              (int)blen, r->base_url);
	char *label = xasprintf("Mã đánh giá (dùng đến %s):", until);
	/* The feedback page (góp ý, phản ánh), with the dossier's code when
	 * there is one: never a secret (the slip carries none). */
	char *fb_url = r->dossier_code && *r->dossier_code
	                   ? xasprintf("%.*s/gop-y?d=%s", (int)blen, r->base_url, r->dossier_code)
	                   : xasprintf("%.*s/gop-y", (int)blen, r->base_url);
	char *fb_caption = xasprintf(
	    "Góp ý, phản ánh về thủ tục, việc giải quyết hồ sơ hoặc thái độ của cán bộ: quét mã "
	    "QR này, hoặc mở %.*s/gop-y",
	    (int)blen, r->base_url);
	struct printer_slip slip = {
	    .office_name = r->office_name,
	    .title = "PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG",
	    .text = text,
	    .qr_url = url,
	    .qr_caption = caption,
	    .code_label = label,
	    .code = grouped,
	    .footer = "Đánh giá không ghi tên người đánh giá. Xin cảm ơn ông/bà!",
	    .qr2_url = fb_url,
	    .qr2_caption = fb_caption,
	};
	int rc = format == PRINTER_FORMAT_RAW
	             ? printer_slip_escpos(&slip, paper, out, out_len, err, err_size)
	             : printer_slip_pdf(&slip, paper, out, out_len, err, err_size);
	free(label);
	free(fb_caption);
	free(fb_url);
	free(caption);
	free(url);
	free(text);
	return rc;
}
