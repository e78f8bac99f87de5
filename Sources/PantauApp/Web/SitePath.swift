import Foundation
import PantauCore

/// A path with parameters, `/kasus/:id`: the pattern its route registers,
/// and the link a view builds from values (`SitePath.Cases.page(id)`).
struct SitePattern: Sendable, CustomStringConvertible {
    let pattern: String

    init(_ pattern: String) { self.pattern = pattern }

    /// The path with each `:name` segment replaced, in order, by a value.
    func callAsFunction(_ values: String...) -> String {
        var remaining = values[...]
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasPrefix(":") else { return String(segment) }
            precondition(!remaining.isEmpty, "\(pattern): a value for every parameter")
            return remaining.removeFirst()
        }
        precondition(remaining.isEmpty, "\(pattern): one value per parameter")
        return segments.joined(separator: "/")
    }

    func callAsFunction(_ id: UUID) -> String { self(UUIDText.lower(id)) }
    func callAsFunction(_ first: UUID, _ second: UUID) -> String { self(UUIDText.lower(first), UUIDText.lower(second)) }

    var description: String { pattern }
}

/// Every path of the site, used both to register routes and to build links:
/// no page builds a path of its own.
enum SitePath {
    static let home = "/"
    static let reportForm = "/lapor"
    static let ticket = SitePattern("/aduan/:ticket")
    static let ticketLookup = "/aduan"
    static let healthz = "/healthz"
    static let metrics = "/metrics"
    static let openAPI = "/openapi.yaml"
    static let style = "/static/pantau.css"
    static let appeal = "/banding"

    enum Cases {
        static let queue = "/kasus"
        static let page = SitePattern("/kasus/:id")
        static let claim = SitePattern("/kasus/:id/klaim")
        static let assign = SitePattern("/kasus/:id/tugaskan")
        static let unassign = SitePattern("/kasus/:id/lepas")
        static let escalate = SitePattern("/kasus/:id/eskalasi")
        static let highImpact = SitePattern("/kasus/:id/dampak")
        static let comment = SitePattern("/kasus/:id/komentar")
        static let pinComment = SitePattern("/kasus/komentar/:id/sematkan")
        static let decide = SitePattern("/kasus/:id/putusan")
        static let reviewDecision = SitePattern("/putusan/:id/tinjau")
        static let contact = SitePattern("/kasus/:id/kontak/:report")
        static let bulk = "/kasus/aksi"
        static let saveFilter = "/kasus/filter"
        static let deleteFilter = "/kasus/filter/hapus"
        static let approvals = "/persetujuan"
        static let evidence = SitePattern("/bukti/:sha256")
    }

    enum Staff {
        static let signIn = "/masuk"
        static let signOut = "/keluar"
        static let home = "/staf"
        static let password = "/akun/sandi"
        static let audit = "/admin/audit"
        static let legalBases = "/admin/dasar-hukum"
    }

    /// The admin's screens: what the CLI does, with the same audit events.
    enum Admin {
        static let users = "/admin/pengguna"
        static let user = SitePattern("/admin/pengguna/:id")
        static let userRole = SitePattern("/admin/pengguna/:id/peran")
        static let userActive = SitePattern("/admin/pengguna/:id/status")
        static let userReset = SitePattern("/admin/pengguna/:id/reset")
        static let tokens = "/admin/token"
        static let revokeToken = SitePattern("/admin/token/:id/cabut")
        static let platform = SitePattern("/admin/platform/:id")
        static let signatory = "/admin/penanda-tangan"
    }

    enum API {
        /// Every JSON endpoint lives under it (errors there are answered as JSON).
        static let prefix = "/api/"
        static let reports = "/api/v1/reports"
        static let report = SitePattern("/api/v1/reports/:ticket")
        static let evidence = "/api/v1/evidence"
        static let stats = "/api/v1/stats"
        static let me = "/api/v1/me"
        static let mentions = SitePattern("/api/v1/platforms/:platform/mentions")
        static let posts = SitePattern("/api/v1/platforms/:platform/posts")
        static let cases = "/api/v1/cases"
        static let bulk = "/api/v1/cases/bulk"
        static let caseDetail = SitePattern("/api/v1/cases/:id")
        static let caseClaim = SitePattern("/api/v1/cases/:id/claim")
        static let caseDecisions = SitePattern("/api/v1/cases/:id/decisions")
        static let caseComments = SitePattern("/api/v1/cases/:id/comments")
        static let decisionReview = SitePattern("/api/v1/decisions/:id/review")
        static let appeals = "/api/v1/appeals"
        static let platformOrders = "/api/v1/platform/orders"
        static let platformOrder = SitePattern("/api/v1/platform/orders/:id")
        static let platformOrderAcknowledge = SitePattern("/api/v1/platform/orders/:id/acknowledge")
        static let platformOrderItem = SitePattern("/api/v1/platform/orders/:id/items/:item")
        static let orders = "/api/v1/orders"
        static let order = SitePattern("/api/v1/orders/:id")
        static let orderSentManually = SitePattern("/api/v1/orders/:id/sent-manually")
        static let orderItemRecheck = SitePattern("/api/v1/order-items/:id/recheck")
        static let compliance = "/api/v1/compliance"
        static let sanctions = "/api/v1/sanctions"
        static let sanctionReview = SitePattern("/api/v1/sanctions/:id/review")
        static let check = "/api/v1/check"
        static let blocks = "/api/v1/blocks"
        static let lifts = "/api/v1/blocks/lift"
        static let blockProposalReview = SitePattern("/api/v1/block-proposals/:id/review")
        static let allowList = "/api/v1/allow-list"
        static let allowListRemove = SitePattern("/api/v1/allow-list/:id/remove")
        static let transparency = "/api/v1/transparency"
        static let statements = "/api/v1/statements"
        static let blockRegister = "/api/v1/blocks/register"
        static let trends = "/api/v1/trends"
        static let accounts = "/api/v1/accounts"
        static let account = SitePattern("/api/v1/accounts/:id")
        static let accountSnapshots = SitePattern("/api/v1/accounts/:id/snapshots")
        static let campaigns = "/api/v1/campaigns"
        static let campaign = SitePattern("/api/v1/campaigns/:id")
        static let campaignCancel = SitePattern("/api/v1/campaigns/:id/cancel")
        static let campaignPostPublished = SitePattern("/api/v1/campaigns/:id/posts/:post/published")
        static let secondaries = "/api/v1/blocklist/secondaries"
        static let mentionInbox = "/api/v1/mentions/inbox"
        static let watchlists = "/api/v1/watchlists"
        static let watchlistTest = "/api/v1/watchlists/test"
        static let watchlist = SitePattern("/api/v1/watchlists/:id")
        static let watchlistDelete = SitePattern("/api/v1/watchlists/:id/delete")
        static let monitorSources = "/api/v1/monitoring/sources"
        static let prevalence = "/api/v1/prevalence"
        static let monitorSource = SitePattern("/api/v1/monitoring/sources/:id")
        static let monitorSourceDelete = SitePattern("/api/v1/monitoring/sources/:id/delete")
        static let mentionReply = SitePattern("/api/v1/mentions/:id/reply")
    }

    /// The comms office (*humas*): campaigns and the inbox of mentions.
    enum Comms {
        static let campaigns = "/kampanye"
        static let campaign = SitePattern("/kampanye/:id")
        static let cancelCampaign = SitePattern("/kampanye/:id/batal")
        static let recordPost = SitePattern("/kampanye/:id/unggahan/:post")
        static let inbox = "/humas/sebutan"
        static let reply = SitePattern("/humas/sebutan/:id")
    }

    /// The monitoring's staff pages.
    enum Monitoring {
        static let home = "/pantau"
        static let test = "/pantau/uji"
        static let watchlist = SitePattern("/pantau/daftar/:id")
        static let deleteWatchlist = SitePattern("/pantau/daftar/:id/hapus")
        static let sources = "/pantau/sumber"
        static let source = SitePattern("/pantau/sumber/:id")
        static let deleteSource = SitePattern("/pantau/sumber/:id/hapus")
        static let samples = "/pantau/sampel"
        static let sampleItem = SitePattern("/pantau/sampel/:id")
    }

    enum Transparency {
        static let page = "/transparansi"
        static let register = "/transparansi/blokir"
        static let trends = "/tren"
        /// The official accounts (public figures; comms staff change them here).
        static let accounts = "/akun-resmi"
        static let accountChange = "/akun-resmi/ubah"
        static let accountFigures = "/akun-resmi/angka"
    }

    enum Blocklist {
        static let rpz = "/blocklist/rpz"
        static let domains = "/blocklist/domains.txt"
        static let hosts = "/blocklist/hosts"
        static let ips = "/blocklist/ips.txt"
        static let json = "/blocklist.json"
        static let changes = "/blocklist/changes"
        static let check = "/cek"
        static let staff = "/blokir"
        static let proposal = SitePattern("/blokir/usulan/:id")
        static let reviewProposal = SitePattern("/blokir/usulan/:id/tinjau")
        static let app = SitePattern("/blokir/aplikasi/:slug")
        static let liftApp = SitePattern("/blokir/aplikasi/:slug/normalisasi")
        static let allowList = "/blokir/izin"
        static let removeAllow = SitePattern("/blokir/izin/:id/hapus")
    }

    enum Orders {
        static let list = "/perintah"
        static let page = SitePattern("/perintah/:id")
        static let letter = SitePattern("/perintah/:id/surat")
        static let markSent = SitePattern("/perintah/:id/terkirim")
        static let sendNow = SitePattern("/perintah/:id/kirim-sekarang")
        static let recheck = SitePattern("/perintah/butir/:id/cek-ulang")
        static let compliance = "/kepatuhan"
        static let platforms = "/platform"
        static let platformCompliance = SitePattern("/kepatuhan/:platform")
        static let sanctions = "/sanksi"
        static let sanction = SitePattern("/sanksi/:id")
        static let sanctionLetter = SitePattern("/sanksi/:id/surat")
        static let sanctionReview = SitePattern("/sanksi/:id/tinjau")
    }

    enum Portal {
        static let home = "/portal"
        static let order = SitePattern("/portal/perintah/:id")
        static let acknowledge = SitePattern("/portal/perintah/:id/terima")
        static let answer = SitePattern("/portal/perintah/:id/butir/:item")
    }
}
