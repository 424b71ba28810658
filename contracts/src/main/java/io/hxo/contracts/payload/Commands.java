package io.hxo.contracts.payload;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Commands and queries that cross from the gateway to the services. The record is the event data;
 * the constant is the CloudEvent {@code type}.
 */
public final class Commands {
    public static final String PLAN_SUBMIT = "hxo.plan.submit";
    public static final String PLAN_STATUS = "hxo.plan.status";
    public static final String REPLY_SUFFIX = ".reply";

    private Commands() {
    }

    /**
     * Create a plan (and start it when {@code start}). The plan travels as the client sent it, so the
     * planner alone decides what is valid and reports field paths as the client wrote them.
     */
    public record SubmitPlan(String planId, JsonNode plan, boolean start, String requestedBy) {
    }

    public record PlanQuery(String planId) {
    }
}
