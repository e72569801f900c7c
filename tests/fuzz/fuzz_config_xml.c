/*
 * libFuzzer target: conf_load() of XML configurations (libxml2, the
 * RelaxNG schema, then failoverd's own checks), and the round trip
 * through conf_write_xml().  The harness is in fuzz_config.c; this
 * target differs from fuzz_config_legacy only by its seeds and
 * dictionary, which keep it on the XML side of the format sniffing.
 */
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_config_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_config_one(data, size);
	return 0;
}
