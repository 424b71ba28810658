package io.hxo.arie.deploy;

import io.hxo.arie.integrity.PlannerClient;
import io.hxo.arie.scan.WorkspaceScanner.PackedFile;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The files a deployment packed, as its planner serves them ({@code hxo.deployments.files}): ARIE
 * scans what was shipped by the deployment's manifest root without sharing a disk with the planner.
 * Pages are fetched while the scan runs, so only one page of content is in memory at a time.
 */
@ApplicationScoped
public class DeploymentArtifacts {
    private static final Pattern ROOT = Pattern.compile("[0-9a-f]{64}");

    private final PlannerClient planner;

    public DeploymentArtifacts(PlannerClient planner) {
        this.planner = planner;
    }

    /** Why a manifest root cannot be asked for, or empty when it can. */
    public static java.util.Optional<String> refuseRoot(String manifestRoot) {
        return manifestRoot == null || ROOT.matcher(manifestRoot.toLowerCase(Locale.ROOT)).matches()
                ? java.util.Optional.empty()
                : java.util.Optional.of("deployment must be a manifest root: 64 hex characters");
    }

    /**
     * The deployment's files, page by page; {@link Iterator#next()} throws {@link Unavailable} when the
     * planner does not answer, refuses (no such deployment) or answers a page that does not advance.
     */
    public Iterator<List<PackedFile>> pages(String manifestRoot) {
        String root = manifestRoot.toLowerCase(Locale.ROOT);
        return new Iterator<>() {
            private Integer from = 0;

            @Override
            public boolean hasNext() {
                return from != null;
            }

            @Override
            public List<PackedFile> next() {
                if (from == null) {
                    throw new NoSuchElementException();
                }
                Commands.DeploymentFiles page = fetch(root, from);
                if (page.next() != null && page.next() <= from) {
                    throw new Unavailable("hxo-planner answered a page of deployment " + root
                            + " that does not advance past position " + from);
                }
                from = page.next();
                return page.files().stream().map(f -> new PackedFile(f.path(), f.size(), f.digest(),
                        f.content() == null ? null : Base64.getDecoder().decode(f.content()))).toList();
            }
        };
    }

    private Commands.DeploymentFiles fetch(String root, int from) {
        Reply reply;
        try {
            reply = planner.request(Commands.DEPLOYMENT_FILES, root, new Commands.DeploymentFilesQuery(root, from));
        } catch (TimeoutException e) {
            throw new Unavailable("hxo-planner did not answer for deployment " + root + " in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while reading deployment " + root);
        }
        if (!reply.isSuccess()) {
            throw new Unavailable(reply.problem() == null
                    ? "hxo-planner refused deployment " + root + " (" + reply.status() + ")"
                    : reply.problem().detail());
        }
        Commands.DeploymentFiles page = reply.body() == null ? null
                : Json.convert(reply.body(), Commands.DeploymentFiles.class);
        if (page == null || page.files() == null) {
            throw new Unavailable("hxo-planner answered without the files of deployment " + root);
        }
        return page;
    }

    /** The deployment's files could not be read; the scan fails with this message. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message);
        }
    }
}
