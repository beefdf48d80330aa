/* test_iban.c: IBAN structure and mod-97. */
#include <criterion/criterion.h>

#include "ref.h"

#define I SDX_KIND_IBAN

Test(iban, valid)
{
	expect_ok(I, "DE89 3704 0044 0532 0130 00", I,
		  "DE89370400440532013000");
	expect_ok(I, "de89370400440532013000", I, "DE89370400440532013000");
	expect_ok(I, "DE89-3704-0044-0532-0130-00", I,
		  "DE89370400440532013000");
	expect_ok(I, "GB82 WEST 1234 5698 7654 32", I,
		  "GB82WEST12345698765432");
	expect_ok(I, "BE31435411161155", I, "BE31435411161155");
	expect_ok(I, "FR14 2004 1010 0505 0001 3M02 606", I,
		  "FR1420041010050500013M02606");
	expect_ok(SDX_KIND_AUTO, "GB82 WEST 1234 5698 7654 32", I,
		  "GB82WEST12345698765432");
}

Test(iban, errors)
{
	expect_err(I, "GB82 TEST 1234 5698 7654 32", SDX_ECHECKSUM, 2,
		   "iban: check digits 82 do not match (mod 97 is 5, "
		   "expected 1)");
	expect_err(I, "DE89 3704", SDX_ELENGTH, 9,
		   "iban: 8 characters, expected 15..34");
	expect_err(I, "DE89 3704 0044 0532 0130 00 1234 5678 9012 3",
		   SDX_ELENGTH, 43, "iban: longer than 34 characters");
	expect_err(I, "1E89370400440532013000", SDX_ESYNTAX, 0,
		   "iban: must start with a two-letter country code");
	expect_err(I, "DEX9370400440532013000", SDX_ESYNTAX, 2,
		   "iban: characters 3 and 4 are the check digits");
	expect_err(I, "DE89.3704", SDX_ESYNTAX, 4,
		   "iban: unexpected character '.'");
	expect_err(I,
		   "DE89 37\xc3\xa9"
		   "04 0044 0532 0130 00",
		   SDX_ESYNTAX, 7, "iban: non-ASCII character");
	expect_err(SDX_KIND_AUTO, "GB82 TEST 1234 5698 7654 32", SDX_ECHECKSUM,
		   2,
		   "iban: check digits 82 do not match (mod 97 is 5, "
		   "expected 1)");
}
