import Foundation
import PantauCore

/// Every path of the site, used both to register routes and to build links.
enum SitePath {
    static let home = "/"
    static let reportForm = "/lapor"
    static func ticket(_ ticket: String) -> String { "/aduan/\(ticket)" }
    static let ticketLookup = "/aduan"
    static let healthz = "/healthz"
    static let metrics = "/metrics"
    static let openAPI = "/openapi.yaml"
    static let style = "/static/pantau.css"
    static let appeal = "/banding"

    enum Cases {
        static let queue = "/kasus"
        static func page(_ id: UUID) -> String { "/kasus/\(UUIDText.lower(id))" }
        static let bulk = "/kasus/aksi"
        static let saveFilter = "/kasus/filter"
        static let deleteFilter = "/kasus/filter/hapus"
        static let approvals = "/persetujuan"
        static func evidence(_ sha256: String) -> String { "/bukti/\(sha256)" }
    }

    enum Staff {
        static let signIn = "/masuk"
        static let signOut = "/keluar"
        static let home = "/staf"
        static let password = "/akun/sandi"
        static let audit = "/admin/audit"
        static let legalBases = "/admin/dasar-hukum"
    }

    enum API {
        static let reports = "/api/v1/reports"
        static func report(_ ticket: String) -> String { "/api/v1/reports/\(ticket)" }
        static let evidence = "/api/v1/evidence"
        static let stats = "/api/v1/stats"
        static let me = "/api/v1/me"
        static func mentions(_ platform: String) -> String { "/api/v1/platforms/\(platform)/mentions" }
        static let cases = "/api/v1/cases"
        static let bulk = "/api/v1/cases/bulk"
        static let appeals = "/api/v1/appeals"
        static let platformOrders = "/api/v1/platform/orders"
        static let orders = "/api/v1/orders"
        static let compliance = "/api/v1/compliance"
        static let sanctions = "/api/v1/sanctions"
        static let check = "/api/v1/check"
        static let blocks = "/api/v1/blocks"
        static let lifts = "/api/v1/blocks/lift"
        static let allowList = "/api/v1/allow-list"
        static let transparency = "/api/v1/transparency"
        static let statements = "/api/v1/statements"
        static let blockRegister = "/api/v1/blocks/register"
        static let trends = "/api/v1/trends"
        static let accounts = "/api/v1/accounts"
        static let campaigns = "/api/v1/campaigns"
        static let secondaries = "/api/v1/blocklist/secondaries"
        static let mentionInbox = "/api/v1/mentions/inbox"
        static func mentionReply(_ id: String) -> String { "/api/v1/mentions/\(id)/reply" }
    }

    /// The comms office (*humas*): campaigns and the inbox of mentions.
    enum Comms {
        static let campaigns = "/kampanye"
        static func campaign(_ id: UUID) -> String { "/kampanye/\(UUIDText.lower(id))" }
        static let inbox = "/humas/sebutan"
    }

    enum Transparency {
        static let page = "/transparansi"
        static let register = "/transparansi/blokir"
        static let trends = "/tren"
        static let accounts = "/akun-resmi"
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
        static func proposal(_ id: UUID) -> String { "/blokir/usulan/\(UUIDText.lower(id))" }
    }

    enum Orders {
        static let list = "/perintah"
        static func page(_ id: UUID) -> String { "/perintah/\(UUIDText.lower(id))" }
        static func letter(_ id: UUID) -> String { "/perintah/\(UUIDText.lower(id))/surat" }
        static func recheck(_ item: UUID) -> String { "/perintah/butir/\(UUIDText.lower(item))/cek-ulang" }
        static let compliance = "/kepatuhan"
        static let platforms = "/platform"
        static func platformCompliance(_ platform: String) -> String { "/kepatuhan/\(platform)" }
        static let sanctions = "/sanksi"
        static func sanction(_ id: UUID) -> String { "/sanksi/\(UUIDText.lower(id))" }
        static func sanctionLetter(_ id: UUID) -> String { "/sanksi/\(UUIDText.lower(id))/surat" }
        static func sanctionReview(_ id: UUID) -> String { "/sanksi/\(UUIDText.lower(id))/tinjau" }
    }

    enum Portal {
        static let home = "/portal"
        static func order(_ id: UUID) -> String { "/portal/perintah/\(UUIDText.lower(id))" }
        static func acknowledge(_ id: UUID) -> String { "/portal/perintah/\(UUIDText.lower(id))/terima" }
        static func answer(_ order: UUID, _ item: UUID) -> String { "/portal/perintah/\(UUIDText.lower(order))/butir/\(UUIDText.lower(item))" }
    }
}
