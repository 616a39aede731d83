package dev.bbm.ui;

import dev.bbm.migration.MigrationFilter;
import dev.bbm.migration.MigrationPage;
import dev.bbm.migration.MigrationStatus;
import dev.bbm.service.DatabaseServices;
import io.quarkus.qute.TemplateData;
import io.smallrye.mutiny.Uni;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** GitLab's Monitoring › Background migrations: one database, one tab, one page of migrations. */
@TemplateData
public record ListPage(
        String database,
        List<DatabaseOption> databases,
        Tab tab,
        List<TabLink> tabs,
        List<MigrationView> migrations,
        int page,
        long totalPages,
        long total,
        String previousHref,
        String nextHref,
        String here,
        boolean running,
        String updatedAt,
        String notice) {

    @TemplateData
    public record DatabaseOption(String name, boolean selected) {}

    @TemplateData
    public record TabLink(String param, String label, long count, boolean selected, String href) {}

    /** Migrations per page, as the API's default. */
    static final int PER_PAGE = 20;

    /** Reads one page of a tab and the count of every tab (one query for all counts). */
    static Uni<ListPage> load(
            DatabaseServices.Served db, Collection<String> databases, Tab tab, int page, String notice) {
        Uni<Map<MigrationStatus, Long>> counts = db.migrations().countByStatus();
        Uni<MigrationPage> rows = db.migrations().list(new MigrationFilter(tab.statuses(), null, null), page, PER_PAGE);
        return Uni.combine().all().unis(counts, rows).asTuple().map(read -> {
            Map<MigrationStatus, Long> byStatus = read.getItem1();
            MigrationPage found = read.getItem2();
            long totalPages = Math.max(1, (found.total() + PER_PAGE - 1) / PER_PAGE);
            List<TabLink> tabs = Arrays.stream(Tab.values())
                    .map(t -> new TabLink(
                            t.param(),
                            t.label(),
                            t.statuses().stream()
                                    .mapToLong(s -> byStatus.getOrDefault(s, 0L))
                                    .sum(),
                            t == tab,
                            Links.list(db.database(), t, 1)))
                    .toList();
            return new ListPage(
                    db.database(),
                    databases.stream()
                            .sorted()
                            .map(name -> new DatabaseOption(name, name.equals(db.database())))
                            .toList(),
                    tab,
                    tabs,
                    found.rows().stream().map(MigrationView::of).toList(),
                    page,
                    totalPages,
                    found.total(),
                    page > 1 ? Links.list(db.database(), tab, Math.min(page - 1, (int) totalPages)) : "",
                    page < totalPages ? Links.list(db.database(), tab, page + 1) : "",
                    Links.list(db.database(), tab, page),
                    byStatus.getOrDefault(MigrationStatus.ACTIVE, 0L)
                                    + byStatus.getOrDefault(MigrationStatus.FINALIZING, 0L)
                            > 0,
                    Formats.time(OffsetDateTime.now()),
                    notice);
        });
    }

    /** Each migration's page, in the same database. */
    public String href(MigrationView migration) {
        return Links.migration(database, migration.id());
    }

    public String actionHref(MigrationView migration, MigrationAction action) {
        return Links.action(database, migration.id(), action);
    }
}
