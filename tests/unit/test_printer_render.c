/* Rendering of tickets and forms, checked the way a person would: the PDF's text
 * read back with pdftotext, its QR code read with zbarimg from a 200 dpi image,
 * and the ESC/POS stream parsed command by command. PDFs and PNGs are kept in
 * tests/artifacts/ next to this binary for a human look. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cairo.h>
#include <errno.h>
#include <glib.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "printer/dossier_forms.h"
#include "printer/escpos.h"
#include "printer/fields.h"
#include "printer/qr_svg.h"
#include "printer/render.h"
#include "printer/slip.h"

#define STATUS_URL "https://motcua.huonghoa.gov.vn/tra-cuu/000.00.19.H47-260105-0001"
#define QUEUE_URL "https://motcua.huonghoa.gov.vn/q/A012?k=7f3a"
#define DOSSIER_CODE "000.00.19.H47-260105-0001"

static char artifacts[PATH_MAX];
static char source_dir[PATH_MAX];

/* NFD of an NFC literal: the decomposed input some keyboards and browsers send. */
static char *nfd(const char *s)
{
	return g_utf8_normalize(s, -1, G_NORMALIZE_NFD);
}

static bool has_combining_marks(const char *s)
{
	/* U+0300..U+036F are CC 80..CD AF in UTF-8. */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p == 0xcc || *p == 0xcd)
			return true;
	return false;
}

static void write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The stdout of cmd, whitespace runs collapsed to one space (pdftotext breaks
 * wrapped lines where the layout did). The caller frees it. */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	GString *out = g_string_new(NULL);
	char buf[4096];
	size_t n;
	bool space = false;

	assert_non_null(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		for (size_t i = 0; i < n; i++) {
			char c = buf[i];
			if (c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == ' ') {
				space = true;
				continue;
			}
			if (space && out->len > 0)
				g_string_append_c(out, ' ');
			space = false;
			g_string_append_c(out, c);
		}
	}
	pclose(p);
	return g_string_free(out, FALSE);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL) {
		print_error("missing \"%s\" in:\n%s\n", needle, hay);
		fail();
	}
}

/* Writes the PDF as artifacts/name.pdf and its first page as artifacts/name.png;
 * returns the text of the PDF (caller frees). */
static char *pdf_artifact(const char *name, const uint8_t *pdf, size_t len)
{
	char path[PATH_MAX + 64], cmd[3 * PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s.pdf", artifacts, name);
	write_file(path, pdf, len);
	snprintf(cmd, sizeof(cmd), "pdftoppm -png -r 200 -singlefile '%s' '%s/%s'", path, artifacts,
	         name);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s' -", path);
	return run(cmd);
}

static char *qr_of_png(const char *name)
{
	char cmd[PATH_MAX + 128];

	snprintf(cmd, sizeof(cmd), "zbarimg --raw -q '%s/%s.png' 2>/dev/null", artifacts, name);
	return run(cmd);
}

static int64_t vn_time(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {
	    .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
	return (int64_t)timegm(&tm) - 7 * 3600;
}

struct ticket_fixture {
	char *office, *service, *priority;
	struct printer_ticket t;
};

static int ticket_setup(void **state)
{
	struct ticket_fixture *f = calloc(1, sizeof(*f));

	f->office = nfd("Ủy ban nhân dân huyện Hướng Hóa – Bộ phận Một cửa");
	f->service = nfd("Đăng ký khai sinh");
	f->priority = nfd("Người cao tuổi");
	f->t = (struct printer_ticket){
	    .office_name = f->office,
	    .number = "A012",
	    .service_name = f->service,
	    .people_ahead = 7,
	    .wait_min_minutes = 10,
	    .wait_max_minutes = 20,
	    .issued_at = vn_time(2026, 1, 5, 8, 15),
	    .utc_offset_minutes = 420,
	    .priority = f->priority,
	    .qr_url = QUEUE_URL,
	    .footer = "Xin cảm ơn quý khách!",
	};
	*state = f;
	return 0;
}

static int ticket_teardown(void **state)
{
	struct ticket_fixture *f = *state;

	g_free(f->office);
	g_free(f->service);
	g_free(f->priority);
	free(f);
	return 0;
}

static void check_ticket_pdf(struct ticket_fixture *f, enum printer_paper paper, const char *name)
{
	uint8_t *pdf = NULL;
	size_t len = 0;
	char err[256] = "";
	char *text, *qr;

	assert_int_equal(printer_ticket_pdf(&f->t, paper, &pdf, &len, err, sizeof(err)),
	                 PRINTER_OK);
	assert_non_null(pdf);
	assert_true(len > 1000);
	assert_memory_equal(pdf, "%PDF-", 5);
	text = pdf_artifact(name, pdf, len);
	assert_contains(text, "A012");
	assert_contains(text, "Đăng ký khai sinh");
	assert_contains(text, "Ủy ban nhân dân huyện Hướng Hóa");
	assert_contains(text, "Người cao tuổi");
	assert_contains(text, "Thời gian chờ dự kiến: 10–20 phút");
	assert_contains(text, "Số người đang chờ trước ông/bà: 7");
	assert_null(strstr(text, "bạn"));
	assert_contains(text, "05/01/2026 08:15");
	assert_false(has_combining_marks(text));
	qr = qr_of_png(name);
	assert_string_equal(qr, QUEUE_URL);
	free(qr);
	free(text);
	free(pdf);
}

static void test_ticket_pdf_80(void **state)
{
	check_ticket_pdf(*state, PRINTER_PAPER_ROLL_80, "ticket-80");
}

static void test_ticket_pdf_58(void **state)
{
	check_ticket_pdf(*state, PRINTER_PAPER_ROLL_58, "ticket-58");
}

/* Walks the ESC/POS stream: ESC @, GS v 0 bands of the roll's width, feed, cut. */
static void check_escpos(const uint8_t *p, size_t len, size_t width_bytes, int *rows)
{
	size_t i = 2;
	int bands = 0;

	*rows = 0;
	assert_true(len > 20);
	assert_int_equal(p[0], 0x1b);
	assert_int_equal(p[1], 0x40);
	while (i + 8 <= len && p[i] == 0x1d && p[i + 1] == 0x76 && p[i + 2] == 0x30) {
		size_t wb = p[i + 4] | (size_t)p[i + 5] << 8;
		int h = p[i + 6] | p[i + 7] << 8;
		assert_int_equal(p[i + 3], 0);
		assert_int_equal(wb, width_bytes);
		assert_true(h > 0 && h <= PRINTER_ESCPOS_BAND_LINES);
		i += 8 + wb * (size_t)h;
		assert_true(i <= len);
		*rows += h;
		bands++;
	}
	assert_true(bands >= 2);
	/* ESC d n, then GS V 66 n: feed and cut, and nothing after. */
	assert_int_equal(len - i, 7);
	assert_memory_equal(p + i, "\x1b\x64", 2);
	assert_memory_equal(p + len - 4, "\x1d\x56\x42", 3);
}

/* The raster as a PNG, to look at and to read its QR code back. */
static void raster_png(const uint8_t *bits, size_t wb, int h, const char *name)
{
	int w = (int)wb * 8;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	unsigned char *px = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	char path[PATH_MAX + 64];

	for (int y = 0; y < h; y++) {
		uint32_t *row = (uint32_t *)(px + (size_t)y * stride);
		for (int x = 0; x < w; x++)
			row[x] = (bits[(size_t)y * wb + x / 8] & (0x80 >> (x % 8))) ? 0 : 0xffffff;
	}
	cairo_surface_mark_dirty(s);
	snprintf(path, sizeof(path), "%s/%s.png", artifacts, name);
	assert_int_equal(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
}

static void check_ticket_escpos(struct ticket_fixture *f, enum printer_paper paper,
                                size_t width_bytes, const char *name)
{
	uint8_t *esc = NULL, *bits = NULL;
	size_t len = 0, wb = 0;
	int rows = 0, h = 0;
	char err[256] = "", *qr;

	assert_int_equal(printer_ticket_escpos(&f->t, paper, &esc, &len, err, sizeof(err)),
	                 PRINTER_OK);
	check_escpos(esc, len, width_bytes, &rows);
	assert_int_equal(printer_ticket_raster(&f->t, paper, &bits, &wb, &h, err, sizeof(err)),
	                 PRINTER_OK);
	assert_int_equal(wb, width_bytes);
	assert_int_equal(h, rows);
	raster_png(bits, wb, h, name);
	qr = qr_of_png(name);
	assert_string_equal(qr, QUEUE_URL);
	free(qr);
	free(bits);
	free(esc);
}

static void test_ticket_escpos_80(void **state)
{
	check_ticket_escpos(*state, PRINTER_PAPER_ROLL_80, 72, "ticket-80-escpos");
}

static void test_ticket_escpos_58(void **state)
{
	check_ticket_escpos(*state, PRINTER_PAPER_ROLL_58, 48, "ticket-58-escpos");
}

static void test_ticket_invalid(void **state)
{
	struct ticket_fixture *f = *state;
	struct printer_ticket t = f->t;
	uint8_t *out = (uint8_t *)"x";
	size_t len = 1;
	char err[128] = "";

	assert_int_equal(printer_ticket_pdf(&t, PRINTER_PAPER_A5, &out, &len, err, sizeof(err)),
	                 PRINTER_ERR_INVALID);
	assert_null(out);
	t.number = "";
	assert_int_equal(
	    printer_ticket_escpos(&t, PRINTER_PAPER_ROLL_80, &out, &len, err, sizeof(err)),
	    PRINTER_ERR_INVALID);
	assert_null(out);
	assert_true(strlen(err) > 0);
}

static void test_escpos_bands(void **state)
{
	uint8_t bits[3 * 600];
	uint8_t *out = NULL;
	size_t len = 0;
	int rows = 0;

	(void)state;
	memset(bits, 0xa5, sizeof(bits));
	assert_int_equal(printer_escpos_encode(bits, 3, 3, 600, 256, &out, &len), PRINTER_OK);
	check_escpos(out, len, 3, &rows);
	assert_int_equal(rows, 600);
	/* 2 + 3 bands * 8 + data + 7 */
	assert_int_equal(len, 2 + 3 * 8 + sizeof(bits) + 7);
	free(out);
	assert_int_equal(printer_escpos_encode(bits, 0, 3, 600, 256, &out, &len),
	                 PRINTER_ERR_INVALID);
	assert_null(out);
}

static struct printer_form *load_form(const char *id)
{
	char path[PATH_MAX + 64], err[256] = "";
	struct printer_form *form = NULL;

	snprintf(path, sizeof(path), "%s/data/forms/%s.json", source_dir, id);
	if (printer_form_load(path, &form, err, sizeof(err)) != PRINTER_OK)
		print_error("%s\n", err);
	assert_non_null(form);
	assert_string_equal(printer_form_id(form), id);
	assert_string_equal(printer_form_circular(form), "03/2025/TT-VPCP");
	return form;
}

static void set_nfd(struct printer_fields *f, const char *key, const char *value)
{
	char *d = nfd(value);
	printer_fields_set(f, key, d);
	g_free(d);
}

static void test_mau_01(void **state)
{
	struct printer_form *form = load_form("mau-01");
	struct printer_fields *f = printer_fields_new();
	const char *rows[][3] = {
	    {"Tờ khai đăng ký khai sinh", "Bản chính", "1"},
	    {"Giấy chứng sinh", "Bản chính", "1"},
	    {"Giấy chứng nhận kết hôn của cha, mẹ", "Bản sao", "1"},
	};
	uint8_t *pdf = NULL;
	size_t len = 0;
	char err[256] = "", *text, *qr;

	(void)state;
	assert_int_equal(printer_form_paper(form), PRINTER_PAPER_A5);
	set_nfd(f, "agency_parent", "UBND TỈNH QUẢNG TRỊ");
	set_nfd(f, "agency", "UBND HUYỆN HƯỚNG HÓA");
	set_nfd(f, "unit", "BỘ PHẬN MỘT CỬA");
	set_nfd(f, "doc_number", "15/TN-MC");
	set_nfd(f, "place", "Hướng Hóa");
	printer_fields_set(f, "day", "05");
	printer_fields_set(f, "month", "01");
	printer_fields_set(f, "year", "2026");
	printer_fields_set(f, "dossier_code", DOSSIER_CODE);
	set_nfd(f, "applicant_name", "Nguyễn Thị Hường");
	set_nfd(f, "applicant_address",
	        "Khóm 3, thị trấn Khe Sanh, huyện Hướng Hóa, tỉnh Quảng Trị");
	printer_fields_set(f, "applicant_phone", "0912 345 678");
	printer_fields_set(f, "applicant_email", "huong.nt@example.vn");
	set_nfd(f, "procedure", "Đăng ký khai sinh");
	for (size_t i = 0; i < 3; i++) {
		char *cells[3];
		for (int c = 0; c < 3; c++)
			cells[c] = nfd(rows[i][c]);
		printer_fields_add_row(f, "documents", (const char *const *)cells, 3);
		for (int c = 0; c < 3; c++)
			g_free(cells[c]);
	}
	printer_fields_set(f, "sets", "01");
	set_nfd(f, "legal_time", "03 ngày làm việc");
	printer_fields_set(f, "received_at", "08:15 05/01/2026");
	printer_fields_set(f, "appointment_at", "14:00 08/01/2026");
	set_nfd(f, "collect_at", "Bộ phận Một cửa, Ủy ban nhân dân huyện Hướng Hóa");
	set_nfd(f, "fees", "Miễn lệ phí");
	printer_fields_set(f, "ledger_book", "01/2026");
	printer_fields_set(f, "ledger_line", "15");
	set_nfd(f, "receiver_name", "Trần Văn Đức");
	printer_fields_set(f, "status_url", STATUS_URL);

	assert_int_equal(printer_form_pdf(form, f, &pdf, &len, err, sizeof(err)), PRINTER_OK);
	text = pdf_artifact("mau-01", pdf, len);
	assert_contains(text, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
	assert_contains(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
	assert_contains(text, "Độc lập - Tự do - Hạnh phúc");
	assert_contains(text, DOSSIER_CODE);
	assert_contains(text, "Nguyễn Thị Hường");
	assert_contains(text, "Đăng ký khai sinh");
	assert_contains(text, "Ủy ban nhân dân huyện Hướng Hóa");
	assert_contains(text, "Giấy chứng nhận kết hôn của cha, mẹ");
	assert_contains(text, "08:15 05/01/2026");
	assert_contains(text, "14:00 08/01/2026");
	assert_contains(text, "Quyển số: 01/2026");
	assert_contains(text, "Thông tư số 03/2025/TT-VPCP");
	assert_false(has_combining_marks(text));
	qr = qr_of_png("mau-01");
	assert_string_equal(qr, STATUS_URL);
	free(qr);
	free(text);
	free(pdf);
	printer_fields_free(f);
	printer_form_free(form);
}

/* The number of pages of a PDF written by pdf_artifact, from pdfinfo. */
static int pdf_pages(const char *name)
{
	char cmd[PATH_MAX + 128];
	snprintf(cmd, sizeof(cmd), "pdfinfo '%s/%s.pdf' | sed -n 's/^Pages: *//p'", artifacts,
	         name);
	char *out = run(cmd);
	int n = atoi(out);
	free(out);
	return n;
}

/* The number of times needle occurs in hay. */
static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Mẫu 01 as the server and motcua-counter fill it from a dossier (the staff
 * view of GET /dossiers/{code}) and the office set-up: the receiving clerk's
 * full name and title (not the login), the office's place, the lookup secret
 * labelled beside the QR code, the ledger book and line, the unit named once,
 * and one A5 page. With documents enough to need a second page, that page
 * carries a running header and both are numbered N/M. */
/* Mẫu 01's second QR code: the feedback page with the code and the secret
 * its status link carries, on the same server; none without a secret. */
static void test_mau_01_feedback_url(void **state)
{
	json_t *dossier = json_pack("{s:s}", "code", DOSSIER_CODE);
	struct printer_dossier_context ctx = {
	    .status_url =
	        "https://dvc.quangtri.gov.vn/status?code=" DOSSIER_CODE "&secret=K7M2QX9RTA",
	    .secret = "K7M2QX9RTA",
	    .utc_offset_minutes = 420,
	};
	(void)state;
	struct printer_fields *f = printer_dossier_fields(dossier, "mau-01", &ctx);
	assert_string_equal(printer_fields_get(f, "feedback_url"),
	                    "https://dvc.quangtri.gov.vn/gop-y?d=" DOSSIER_CODE "&s=K7M2QX9RTA");
	printer_fields_free(f);
	ctx.status_url = STATUS_URL; /* no secret in it: no feedback code */
	f = printer_dossier_fields(dossier, "mau-01", &ctx);
	assert_null(printer_fields_get(f, "feedback_url"));
	printer_fields_free(f);
	json_decref(dossier);
}

/* The kiosk's QR code as SVG: one square image, NULL for nothing to encode. */
static void test_qr_svg(void **state)
{
	size_t len = 0;
	char *svg = printer_qr_svg("https://dvc.quangtri.gov.vn/gop-y?office=TT-KS", &len);
	(void)state;
	assert_non_null(svg);
	assert_int_equal(strlen(svg), len);
	const char *head = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ";
	assert_true(strncmp(svg, head, strlen(head)) == 0);
	assert_non_null(strstr(svg, "<path fill=\"#000\" d=\"M"));
	assert_non_null(strstr(svg, "</svg>"));
	free(svg);
	assert_null(printer_qr_svg("", NULL));
	assert_null(printer_qr_svg(NULL, NULL));
	char big[1200];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_null(printer_qr_svg(big, NULL));
}

static void test_mau_01_from_dossier(void **state)
{
	struct printer_form *form = load_form("mau-01");
	json_t *dossier = json_pack(
	    "{s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:[{s:s, s:s, s:i}, {s:s, s:s, s:i}],"
	    " s:i, s:I, s:I, s:I, s:{s:i, s:i}, s:s, s:{s:s, s:s, s:s}}",
	    "code", DOSSIER_CODE, "procedure", "code", "P3", "name", "Đăng ký kết hôn", "applicant",
	    "name", "Nguyễn Thị Hường", "address", "Khe Sanh", "phone", "0912345678", "documents",
	    "name", "Tờ khai đăng ký kết hôn", "kind", "original", "count", 1, "name",
	    "Căn cước của hai bên", "kind", "copy", "count", 2, "sets", 1, "intake_at",
	    (json_int_t)1767575700, "received_at", (json_int_t)1767575700, "due_at",
	    (json_int_t)1767855600, "ledger", "book", 2026, "line", 7, "received_by", "motcua3",
	    "received_by_user", "username", "motcua3", "full_name", "Hồ Văn Lâm", "title",
	    "Công chức Văn phòng - Thống kê");
	json_t *proc = json_pack("{s:s, s:{s:s, s:i}, s:i}", "code", "P3", "processing", "unit",
	                         "working_days", "amount", 3, "fee_vnd", 0);
	struct printer_dossier_context ctx = {
	    .agency = "Bộ phận Tiếp nhận và Trả kết quả - UBND huyện Hướng Hóa",
	    .agency_parent = "UBND huyện Hướng Hóa",
	    .locality = "Hướng Hóa",
	    .officer = "motcua3",
	    .status_url = STATUS_URL,
	    .secret = "K7M2QX9RTA",
	    .procedure = proc,
	    .utc_offset_minutes = 420,
	};
	uint8_t *pdf = NULL;
	size_t len = 0;
	char err[256] = "", *text;

	(void)state;
	struct printer_fields *f = printer_dossier_fields(dossier, "mau-01", &ctx);
	assert_int_equal(printer_form_pdf(form, f, &pdf, &len, err, sizeof(err)), PRINTER_OK);
	text = pdf_artifact("mau-01-dossier", pdf, len);
	assert_contains(text, "Hồ Văn Lâm");
	assert_contains(text, "Công chức Văn phòng - Thống kê");
	assert_null(strstr(text, "motcua3"));
	assert_contains(text, "Hướng Hóa, ngày 05 tháng 01 năm 2026");
	assert_contains(text, "Mã tra cứu: K7M2QX9RTA");
	assert_contains(text, "Quyển số: 2026, Số thứ tự: 7");
	assert_int_equal(count_of(text, "Bộ phận Tiếp nhận và Trả kết quả"),
	                 2); /* header, collect_at */
	assert_contains(text, "Trang 1/1");
	assert_int_equal(pdf_pages("mau-01-dossier"), 1);
	free(text);
	free(pdf);
	printer_fields_free(f);

	/* Thirty documents cannot fit one A5 page. */
	json_t *docs = json_object_get(dossier, "documents");
	for (int i = 0; i < 30; i++) {
		char name[64];
		snprintf(name, sizeof name, "Giấy tờ kèm theo số %d", i + 3);
		json_array_append_new(docs, json_pack("{s:s, s:s, s:i}", "name", name, "kind",
		                                      "original", "count", 1));
	}
	f = printer_dossier_fields(dossier, "mau-01", &ctx);
	assert_int_equal(printer_form_pdf(form, f, &pdf, &len, err, sizeof(err)), PRINTER_OK);
	text = pdf_artifact("mau-01-long", pdf, len);
	assert_int_equal(pdf_pages("mau-01-long"), 2);
	assert_contains(text, "Trang 1/2");
	assert_contains(text, "Trang 2/2");
	assert_contains(text, "(tiếp theo, trang 2/2)");
	assert_contains(text, "Giấy tờ kèm theo số 32");
	free(text);
	free(pdf);
	printer_fields_free(f);
	json_decref(proc);
	json_decref(dossier);
	printer_form_free(form);
}

/* The rating slip on an 80 mm roll: title, dossier, the link as a QR code,
 * the short code on one line; as ESC/POS too; sheet paper gets the roll
 * layout as PDF. */
static void test_rating_slip(void **state)
{
	static const char url[] = "https://motcua.huonghoa.gov.vn/rate?t=YB8NY56GJ8UFT244NAP3";
	struct printer_slip slip = {
	    .office_name = "Bộ phận Tiếp nhận và Trả kết quả - UBND huyện Hướng Hóa",
	    .title = "PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG",
	    .text = "Hồ sơ: " DOSSIER_CODE "\nĐăng ký kết hôn",
	    .qr_url = url,
	    .qr_caption = "Quét mã QR bằng điện thoại",
	    .code_label = "Mã đánh giá:",
	    .code = "YB8N-Y56G-J8UF-T244-NAP3",
	    .footer = "Xin cảm ơn ông/bà!",
	};
	uint8_t *out = NULL;
	size_t len = 0;
	char err[256] = "", *text, *qr;

	(void)state;
	assert_int_equal(
	    printer_slip_pdf(&slip, PRINTER_PAPER_ROLL_80, &out, &len, err, sizeof err),
	    PRINTER_OK);
	text = pdf_artifact("rating-slip", out, len);
	assert_contains(text, "PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG");
	assert_contains(text, DOSSIER_CODE);
	assert_contains(text, "YB8N-Y56G-J8UF-T244-NAP3");
	qr = qr_of_png("rating-slip");
	assert_string_equal(qr, url);
	free(qr);
	free(text);
	free(out);
	assert_int_equal(printer_slip_pdf(&slip, PRINTER_PAPER_A5, &out, &len, err, sizeof err),
	                 PRINTER_OK);
	free(out);
	assert_int_equal(
	    printer_slip_escpos(&slip, PRINTER_PAPER_ROLL_58, &out, &len, err, sizeof err),
	    PRINTER_OK);
	assert_true(len > 1000);
	free(out);
	assert_int_equal(printer_slip_escpos(&slip, PRINTER_PAPER_A4, &out, &len, err, sizeof err),
	                 PRINTER_ERR_INVALID);
	assert_null(out);
	slip.title = NULL;
	assert_int_equal(
	    printer_slip_pdf(&slip, PRINTER_PAPER_ROLL_80, &out, &len, err, sizeof err),
	    PRINTER_ERR_INVALID);
}

/* Every template loads and renders, also with no fields at all (blank form). */
static void test_all_forms(void **state)
{
	static const struct {
		const char *id, *title;
		enum printer_paper paper;
	} forms[] = {
	    {"mau-01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", PRINTER_PAPER_A5},
	    {"mau-02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", PRINTER_PAPER_A5},
	    {"mau-03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", PRINTER_PAPER_A5},
	    {"mau-04", "VĂN BẢN XIN LỖI", PRINTER_PAPER_A5},
	    {"mau-05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", PRINTER_PAPER_A5},
	    {"mau-06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", PRINTER_PAPER_A5},
	    {"mau-07", "SỔ THEO DÕI HỒ SƠ", PRINTER_PAPER_A4},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct printer_form *form = load_form(forms[i].id);
		struct printer_fields *f = printer_fields_new();
		uint8_t *pdf = NULL;
		size_t len = 0;
		char err[256] = "", name[64], *text;

		assert_int_equal(printer_form_paper(form), forms[i].paper);
		printer_fields_set(f, "dossier_code", DOSSIER_CODE);
		assert_int_equal(printer_form_pdf(form, f, &pdf, &len, err, sizeof(err)),
		                 PRINTER_OK);
		snprintf(name, sizeof(name), "%s-blank", forms[i].id);
		text = pdf_artifact(name, pdf, len);
		assert_contains(text, forms[i].title);
		assert_contains(text, "03/2025/TT-VPCP");
		free(text);
		free(pdf);
		printer_fields_free(f);
		printer_form_free(form);
	}
}

static void test_bad_templates(void **state)
{
	static const char *const bad[] = {
	    "{",
	    "[]",
	    "{\"blocks\": 3}",
	    "{\"blocks\": [{\"type\": \"bogus\"}]}",
	    "{\"blocks\": [{\"type\": \"table\", \"rows\": \"x\", \"columns\": []}]}",
	    "{\"paper\": \"A3\", \"blocks\": []}",
	};
	struct printer_form *form = (struct printer_form *)1;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(
		    printer_form_parse(bad[i], strlen(bad[i]), &form, err, sizeof(err)),
		    PRINTER_ERR_TEMPLATE);
		assert_null(form);
		assert_true(strlen(err) > 0);
	}
	assert_int_equal(printer_form_load("/nonexistent/mau.json", &form, err, sizeof(err)),
	                 PRINTER_ERR_IO);
}

static void test_fields(void **state)
{
	struct printer_fields *f = printer_fields_new();
	const char *row[] = {"a", NULL};
	size_t n;

	(void)state;
	printer_fields_set(f, "k", "v1");
	printer_fields_set(f, "k", "v2");
	assert_string_equal(printer_fields_get(f, "k"), "v2");
	printer_fields_set(f, "k", NULL);
	assert_null(printer_fields_get(f, "k"));
	printer_fields_add_row(f, "l", row, 2);
	assert_int_equal(printer_fields_row_count(f, "l"), 1);
	assert_int_equal(printer_fields_row_count(f, "none"), 0);
	assert_string_equal(printer_fields_row(f, "l", 0, &n)[1], "");
	assert_int_equal(n, 2);
	assert_null(printer_fields_row(f, "l", 1, &n));
	printer_fields_free(f);
}

static void find_dirs(void)
{
	char exe[PATH_MAX], file[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *env = getenv("MOTCUA_SOURCE");

	assert_true(n > 0);
	exe[n] = '\0';
	snprintf(artifacts, sizeof(artifacts), "%s/artifacts", dirname(exe));
	if (mkdir(artifacts, 0755) != 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", artifacts, strerror(errno));
	/* The source tree: MOTCUA_SOURCE, else three levels above this file. */
	if (env != NULL) {
		snprintf(source_dir, sizeof(source_dir), "%s", env);
	} else {
		snprintf(file, sizeof(file), "%s", __FILE__);
		snprintf(source_dir, sizeof(source_dir), "%s", dirname(dirname(dirname(file))));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ticket_pdf_80, ticket_setup, ticket_teardown),
	    cmocka_unit_test_setup_teardown(test_ticket_pdf_58, ticket_setup, ticket_teardown),
	    cmocka_unit_test_setup_teardown(test_ticket_escpos_80, ticket_setup, ticket_teardown),
	    cmocka_unit_test_setup_teardown(test_ticket_escpos_58, ticket_setup, ticket_teardown),
	    cmocka_unit_test_setup_teardown(test_ticket_invalid, ticket_setup, ticket_teardown),
	    cmocka_unit_test(test_escpos_bands),
	    cmocka_unit_test(test_mau_01),
	    cmocka_unit_test(test_mau_01_from_dossier),
	    cmocka_unit_test(test_mau_01_feedback_url),
	    cmocka_unit_test(test_qr_svg),
	    cmocka_unit_test(test_rating_slip),
	    cmocka_unit_test(test_all_forms),
	    cmocka_unit_test(test_bad_templates),
	    cmocka_unit_test(test_fields),
	};

	find_dirs();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
