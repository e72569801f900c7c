/*
 * libFuzzer target: conf_load() of the legacy four-line failover.conf,
 * and its conversion to XML (conf_write_xml(), then conf_load() of the
 * result), which is what "failoverctl convert" does.  Nothing is put
 * before the input: the format sniffing of conf_load() decides, and is
 * fuzzed with it.  The harness is in fuzz_config.c.
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
