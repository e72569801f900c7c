# End-to-end tests: shell scripts on network namespaces, run as root by
# tests/run-all.sh (not by "make check", which must work unprivileged).
# They only ship in the tarball.
EXTRA_DIST += \
	tests/deps.sh \
	tests/run-all.sh \
	tests/demo.sh \
	tests/e2e/lib.sh \
	tests/e2e/00-harness.sh \
	tests/e2e/01-start.sh \
	tests/e2e/02-kill-master.sh \
	tests/e2e/03-master-returns.sh \
	tests/e2e/04-link-down.sh \
	tests/e2e/05-sigterm.sh \
	tests/e2e/06-manual.sh \
	tests/e2e/07-both-master.sh \
	tests/e2e/08-wrong-key.sh \
	tests/e2e/09-script-fails.sh \
	tests/e2e/10-script-hangs.sh \
	tests/e2e/11-sighup-broken.sh \
	tests/e2e/12-replay.sh \
	tests/e2e/20-foreign-holder.sh \
	tests/e2e/21-address-lease.sh \
	tests/e2e/22-manual-mode.sh \
	tests/e2e/23-readiness-dryrun.sh \
	tests/e2e/24-fault-failover.sh \
	tests/e2e/25-control-full.sh \
	tests/e2e/26-address-behind-our-back.sh \
	tests/e2e/faultlib.sh \
	tests/e2e/40-lossy-heartbeats.sh \
	tests/e2e/41-partition.sh \
	tests/e2e/42-sigstop.sh \
	tests/e2e/43-same-instant.sh \
	tests/e2e/44-kill-holder.sh \
	tests/e2e/45-script-faults.sh \
	tests/e2e/46-sighup-key.sh \
	tests/e2e/47-control.sh \
	tests/e2e/48-forged.sh \
	tests/e2e/49-replay.sh \
	tests/soak.sh
