package io.hxo.planner.api;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.planner.checkpoint.StoreException;
import io.hxo.planner.plan.PlanRejected;
import io.quarkus.logging.Log;
import java.util.UUID;

/** What every command's answer shares: the problems for bad input, a missing plan, an unreachable database or a fault. */
final class Replies {
    private Replies() {
    }

    @FunctionalInterface
    interface Work {
        Reply reply() throws PlanRejected;
    }

    /** The work's reply, or the problem document its failure makes (no stack trace reaches a caller). */
    static Reply guarded(CloudEvent ev, Work work) {
        try {
            return work.reply();
        } catch (IllegalArgumentException e) {
            return Reply.problem(Problem.of(400, "invalid-command", "Invalid command", e.getMessage()));
        } catch (StoreException e) {
            Log.warnf("database unavailable while handling %s: %s", ev.type(), e.getMessage());
            return Reply.problem(Problem.of(503, "database-unavailable", "Database unavailable",
                    "the planner could not reach its database; retry shortly"));
        } catch (RuntimeException | PlanRejected e) {
            Log.errorf(e, "command %s failed", ev.type());
            return Reply.problem(Problem.of(500, "internal-error", "Internal error",
                    "the planner could not handle this command; see its log for " + ev.id()));
        }
    }

    static Reply notFound(UUID planId) {
        return Reply.problem(Problem.of(404, "plan-not-found", "Plan not found", "no plan with id " + planId));
    }

    static UUID uuid(String s) {
        try {
            return UUID.fromString(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("plan_id must be a UUID, got \"" + s + "\"");
        }
    }
}
