import PantauCore
import Hummingbird
import FluentKit
import FluentSQLiteDriver
import FluentPostgresDriver
import Plot
import Prometheus
import Crypto
import ServiceLifecycle
import ArgumentParser
import HummingbirdBcrypt
public enum PantauAppPlaceholder {}
