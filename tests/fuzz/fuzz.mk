# libFuzzer targets: built and run by tests/fuzz/run.sh with clang, out
# of the autotools build (which must not depend on clang or libFuzzer).
# Only shipped in the tarball, with their seeds, dictionaries and
# reproducers; tests/e2e/30-valgrind.sh belongs to the e2e suite.
EXTRA_DIST += \
	tests/fuzz/README \
	tests/fuzz/run.sh \
	tests/fuzz/fuzz.h \
	tests/fuzz/fuzz_heartbeat.c \
	tests/fuzz/fuzz_config.c \
	tests/fuzz/fuzz_config_xml.c \
	tests/fuzz/fuzz_config_legacy.c \
	tests/fuzz/fuzz_control.c \
	tests/fuzz/gen_heartbeat_seeds.c \
	tests/fuzz/config_xml.dict \
	tests/fuzz/config_legacy.dict \
	tests/fuzz/control.dict \
	tests/fuzz/corpus \
	tests/fuzz/regress \
	tests/e2e/30-valgrind.sh
