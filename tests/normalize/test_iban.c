#include <criterion/criterion.h>
#include "ref.h"
Test(iban, placeholder) {}
