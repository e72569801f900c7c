/*
 * The role state machine of one node, as pure functions: they take what
 * the node knows and the time, and say what to do.  No I/O, no clock, no
 * logging; failoverd runs the actions and logs the transitions.
 *
 * Times are milliseconds on CLOCK_MONOTONIC.
 */
#ifndef IPF_FSM_H
#define IPF_FSM_H

#include <stdint.h>

enum fsm_state {
	FSM_INIT,		/* started: hearing the peer, probing ARP */
	FSM_STANDBY,		/* not holding the address */
	FSM_TAKING,		/* the add script runs */
	FSM_ACTIVE,		/* holding the address */
	FSM_RELEASING,		/* the remove script runs */
	FSM_FAULT,		/* a script failed: retrying with backoff */
	FSM_PENDING,		/* manual mode: a move waits for an operator */
	FSM_NSTATES
};

/* An operator's manual decision, kept until cleared ("failoverctl auto"). */
enum fsm_override {
	FSM_OVR_NONE,
	FSM_OVR_HOLD,		/* failoverctl add */
	FSM_OVR_RELEASE		/* failoverctl remove */
};

enum fsm_action {
	FSM_A_NONE,
	FSM_A_ADD,		/* run the add script */
	FSM_A_REMOVE		/* run the remove script */
};

/* What the node knows of the world when it decides. */
struct fsm_view {
	int64_t	now_ms;
	int	peer_alive;	/* fresh heartbeat within failtime */
	int64_t	peer_silent_ms;	/* since its last fresh heartbeat; -1 never */
	int	peer_leaving;	/* its last heartbeat said it stops */
	int	peer_master;	/* peer configured as master */
	int	peer_holds;	/* peer says it holds the address */
	int	peer_ready;
	int	peer_init;	/* peer is in FSM_INIT: contends, not ready */
	int	peer_wants;	/* peer's operator said "hold" */
	int	peer_yields;	/* peer's operator said "release" */
	int	probe_done;	/* the startup ARP probe is over */
	int	foreign_holder;	/* a host other than a holding peer answers */
};

struct fsm {
	enum fsm_state	state;
	int		ismaster;	/* configured role */
	int		lower_addr;	/* our address < peer's: wins ties */
	enum fsm_override override;
	int		holds;		/* the address may be on our side */
	uint32_t	failtime_ms;
	int64_t		entered_ms;	/* when STATE was entered */
	int64_t		init_end_ms;	/* INIT gives up on the peer then */
	int64_t		retry_ms;	/* FAULT: next attempt */
	unsigned	failures;	/* consecutive script failures */
	int		peer_held;	/* peer_holds at the previous step */
	int		tie_logged;	/* the both-master conflict was told */
	int		manual;		/* mode manual: moves wait in PENDING */
	enum fsm_action	pending;	/* PENDING: the move that waits */
	int		confirmed;	/* an operator confirmed PENDING */
	int		not_ready;	/* our readiness check says no */
	int		no_link;	/* our interface has no link */
	int		foreign_block;	/* INIT saw another holder: wait */
	enum fsm_action	failed;		/* FAULT: the script that failed */
	int		gave_up;	/* FAULT: stopped asking for handback */
	int		cleared;	/* FAULT: the operator said "auto" */
	int64_t		wake_ms;	/* FAULT: when a step is due by time */
	char		reason[160];	/* why the last transition happened */
};

struct fsm_result {
	enum fsm_action	action;		/* run it now */
	int		announce;	/* send gratuitous ARP now */
	int		send_now;	/* our heartbeat flags changed */
	int		changed;	/* OLD -> NEW, see fsm.reason */
	enum fsm_state	old, new;
	int		conflict;	/* both claim the address: warn loudly */
	int		stuck;		/* FAULT gave up retrying: tell it */
};

/*
 * Starts in FSM_INIT.  HOLDS_AT_START says the address was found on our
 * interface, left over from an earlier life; INIT reconciles it.
 */
void	 fsm_init(struct fsm *, int ismaster, int lower_addr,
	    int holds_at_start, uint32_t failtime_ms, int64_t now_ms);

/* Re-evaluates after any event: a heartbeat, a timer, a command. */
void	 fsm_step(struct fsm *, const struct fsm_view *, struct fsm_result *);

/*
 * The script of ACTION finished.  OK: it exited 0.  PRESENT: the address
 * is on our interface now, as checked after the script.
 */
void	 fsm_script_done(struct fsm *, enum fsm_action action, int ok,
	    int present, int64_t now_ms, struct fsm_result *);

/*
 * Sets the override; the next fsm_step() acts on it.  Clearing it also
 * ends a FAULT wait at once: it is the operator's "try again".
 */
void	 fsm_set_override(struct fsm *, enum fsm_override);

/*
 * An operator confirms the move that PENDING waits for.  Returns 0, or -1
 * when nothing waits or the move waiting is not ACTION.
 */
int	 fsm_confirm(struct fsm *, enum fsm_action action);

/*
 * The address we hold vanished from the interface (expired, or removed
 * behind our back).  ACTIVE becomes STANDBY and the next step decides.
 */
void	 fsm_address_lost(struct fsm *, int64_t now_ms, struct fsm_result *);

/*
 * The address is on our interface in STANDBY, where it should not be: a
 * copy made by hand, or left by a remove script that did not remove it.
 * Unless this node is about to take it anyway (it should hold it and the
 * peer does not), RELEASING runs the remove script.  Otherwise, and in
 * any other state, nothing changes.
 */
void	 fsm_stray_copy(struct fsm *, const struct fsm_view *,
	    struct fsm_result *);

/* Whether this node is the one that should hold the address now. */
int	 fsm_should_hold(const struct fsm *, const struct fsm_view *);

/* Changes the role or failtime in place (SIGHUP, control socket, SNMP). */
void	 fsm_set_role(struct fsm *, int ismaster);
void	 fsm_set_manual(struct fsm *, int manual);
void	 fsm_set_ready(struct fsm *, int ready);
void	 fsm_set_failtime(struct fsm *, uint32_t failtime_ms);

/*
 * The interface lost or regained its link.  Without link the node holds
 * nothing (the next step releases) and offers nothing; with it back, a
 * node that holds nothing starts over in INIT.  R may be NULL.
 */
void	 fsm_set_link(struct fsm *, int up, int64_t now_ms,
	    struct fsm_result *);

/* HB_F_MASTER, HB_F_HOLDS, HB_F_READY, HB_F_WANTS, HB_F_YIELDS. */
uint8_t	 fsm_flags(const struct fsm *);

/* The next time fsm_step() must run without an event, or INT64_MAX. */
int64_t	 fsm_deadline(const struct fsm *);

/* "init", "standby", "taking", "active", "releasing", "fault", "pending". */
const char *fsm_state_name(enum fsm_state);
const char *fsm_override_name(enum fsm_override);

#endif
