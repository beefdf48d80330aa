/* qr.c: the QR codes in an uploaded image, decoded by libzbar. The page
 * sends grey pixels (the browser decodes the PNG or JPEG), so no image
 * file parser runs in the service. */
#include <zbar.h>

#include "serve.h"

int qr_decode(const uint8_t *grey, unsigned w, unsigned h,
	      void (*cb)(const char *data, size_t len, void *ctx), void *ctx)
{
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	if (!sc || !img) {
		if (sc)
			zbar_image_scanner_destroy(sc);
		if (img)
			zbar_image_destroy(img);
		return -1;
	}
	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, w, h);
	zbar_image_set_data(img, grey, (unsigned long)w * h, NULL);
	int n = zbar_scan_image(sc, img);
	int count = 0;
	if (n > 0) {
		for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s;
		     s = zbar_symbol_next(s)) {
			cb(zbar_symbol_get_data(s),
			   zbar_symbol_get_data_length(s), ctx);
			count++;
		}
	}
	zbar_image_destroy(img);
	zbar_image_scanner_destroy(sc);
	return n < 0 ? -1 : count;
}
