import Foundation
import Hummingbird
import Logging
import Postgres
import Prometheus
import TidtamJobs
import TidtamImport
import TidtamStore

/// Everything the HTTP API needs, built once by `tidtam serve` (or a test).
public struct APIServices: Sendable {
    public let db: Database
    public let registry: PrometheusCollectorRegistry
    public let openAPIDocument: String
    public let latestMigration: Int
    public let tokenCache: TokenCache
    /// CSV imports this process runs at once; more are answered 503.
    public let maxConcurrentImports: Int

    public init(
        db: Database, registry: PrometheusCollectorRegistry, openAPIDocument: String, latestMigration: Int,
        tokenCache: TokenCache = TokenCache(), maxConcurrentImports: Int = 2
    ) {
        self.db = db
        self.registry = registry
        self.openAPIDocument = openAPIDocument
        self.latestMigration = latestMigration
        self.tokenCache = tokenCache
        self.maxConcurrentImports = maxConcurrentImports
    }
}

/// The router: request log and id → metrics → problem+json → routes (`/api/v1` behind the token check).
public func buildRouter(_ services: APIServices) -> (router: Router<TidtamRequestContext>, routes: [RouteEntry]) {
    let router = Router(context: TidtamRequestContext.self)
    router.add(middleware: EventLoopExecutorMiddleware())
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: RequestMetricsMiddleware())
    router.add(middleware: ProblemMiddleware())
    let table = RouteTable()
    router.add(middleware: MethodNotAllowedMiddleware(routes: table))

    let health = HealthRoutes(
        db: services.db, latestMigration: services.latestMigration, registry: services.registry,
        openAPIDocument: services.openAPIDocument)
    health.register(on: router)

    let open = APIRoutes(group: router.group("api/v1"))
    health.register(open)

    let tokens = TokenStore(services.db)
    // Behind the token check, every route's context has its caller (AuthenticatedContext).
    let api = AuthenticatedRoutes(
        group: router.group("api/v1").add(middleware: AuthMiddleware(tokens: tokens, cache: services.tokenCache))
            .group(context: AuthenticatedContext.self))
    MeRoutes().register(api)
    DistrictRoutes(districts: DistrictStore(services.db)).register(api)
    SchoolRoutes(schools: SchoolStore(services.db)).register(api)
    UserRoutes(users: UserStore(services.db)).register(api)
    TokenRoutes(tokens: tokens, cache: services.tokenCache).register(api)
    AuditRoutes(audit: AuditStore(services.db), nationalAudit: NationalAuditStore(services.db)).register(api)
    JobRoutes(queue: JobQueue(db: services.db)).register(api)
    StrategicPlanRoutes(plans: StrategicPlanStore(services.db), policies: NationalPolicyStore(services.db)).register(
        api)
    ActionPlanRoutes(plans: ActionPlanStore(services.db), projects: ProjectStore(services.db)).register(api)
    ProjectRoutes(projects: ProjectStore(services.db)).register(api)
    IndicatorRoutes(indicators: IndicatorStore(services.db)).register(api)
    AgreementRoutes(agreements: AgreementStore(services.db)).register(api)
    ImportRoutes(importer: Importer(services.db), gate: ImportGate(limit: services.maxConcurrentImports)).register(api)
    ImportRunRoutes(runs: ImportRunStore(services.db)).register(api)
    let reports = ProgressReportStore(services.db)
    MonitoringRoutes(monitoring: MonitoringStore(services.db), reports: reports).register(api)
    ProgressReportRoutes(reports: reports).register(api)
    ActualRoutes(actuals: IndicatorActualStore(services.db)).register(api)
    EvaluationRoutes(
        evaluations: EvaluationStore(services.db), proposals: IndicatorProposalStore(services.db),
        rollups: RollupStore(services.db)
    ).register(api)
    ReportingRoutes(
        requirements: RequirementStore(services.db), national: NationalRequirementStore(services.db),
        submissions: SubmissionStore(services.db), rates: ReportingRates(services.db)
    ).register(api)
    NotificationRoutes(notifications: NotificationStore(services.db), reminders: ReminderStore(services.db)).register(
        api)
    WebhookRoutes(webhooks: WebhookStore(services.db)).register(api)
    ReportRoutes(reports: ReportStore(services.db), publications: ReportPublicationStore(services.db)).register(api)
    NationalReportRoutes(reports: NationalReportStore(services.db)).register(api)
    SARRoutes(sars: SARStore(services.db)).register(api)
    PublicReportRoutes(publications: ReportPublicationStore(services.db)).register(on: router)
    VisitRoutes(
        visits: VisitStore(services.db), calendar: CalendarStore(services.db), findings: FindingStore(services.db)
    )
    .register(api)
    let feeds = CalendarFeedRoutes(feeds: CalendarFeedStore(services.db))
    feeds.register(api)
    feeds.registerOpen(open)
    table.set(open.entries + api.entries)
    return (router, open.entries + api.entries)
}

public func buildApplication(_ services: APIServices, host: String, port: Int, logger: Logger)
    -> some ApplicationProtocol
{
    Application(
        router: buildRouter(services).router,
        configuration: .init(address: .hostname(host, port: port), serverName: "tidtam"),
        logger: logger
    )
}
