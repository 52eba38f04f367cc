import Foundation

extension Importer.Kind {
    var columns: [ImportColumn] {
        switch self {
        case .schools: SchoolImport.columns
        case .projects: ProjectImport.columns
        case .indicators: IndicatorImport.columns
        case .actuals: ActualImport.columns
        }
    }

    /// An empty file to fill in: a byte-order mark (so that Excel opens it as UTF-8) and the
    /// header row in Thai, each column under its first Thai name; required columns are marked
    /// with `*`, which the import ignores.
    public var template: String {
        let header = columns.map { column in
            let name = column.names.first { $0.unicodeScalars.contains { !$0.isASCII } } ?? column.key
            return column.required ? name + "*" : name
        }
        return "\u{FEFF}" + header.joined(separator: ",") + "\r\n"
    }
}
