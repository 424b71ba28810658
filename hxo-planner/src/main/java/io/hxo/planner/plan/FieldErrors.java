package io.hxo.planner.plan;

import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Problem.FieldError;
import java.util.ArrayList;
import java.util.List;

/** Collected refusals; any shape error makes the answer 400, otherwise 422. */
final class FieldErrors {
    private final List<FieldError> list = new ArrayList<>();
    private boolean shape;

    void shape(String path, String message) {
        list.add(new FieldError(path, message));
        shape = true;
    }

    void semantic(String path, String message) {
        list.add(new FieldError(path, message));
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    int size() {
        return list.size();
    }

    PlanRejected rejection() {
        int status = shape ? 400 : 422;
        String detail = list.size() == 1 ? pathOf(list.get(0)) + list.get(0).message()
                : list.size() + " problems in the plan; see errors";
        return new PlanRejected(Problem.invalid(status, detail, list));
    }

    private static String pathOf(FieldError e) {
        return e.path().isEmpty() ? "" : e.path() + ": ";
    }
}
