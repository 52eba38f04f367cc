extension ThaiCalendar {
    /// Reads a date as offices write it in their spreadsheets:
    /// - digits: ISO in either era (`2569-11-25`, `2026-11-25`) or day/month/year (`25/11/2569`,
    ///   `25/11/2026`, and `25/11/69` with the Buddhist Era century left out);
    /// - Thai months, full or abbreviated, with or without `พ.ศ.`: `25 พฤศจิกายน 2569`,
    ///   `25 พ.ย. 69`, `25 พ.ย.2569`;
    /// - Thai digits anywhere (`๒๕ พ.ย. ๒๕๖๙`).
    /// A four-digit year above 2400 is Buddhist Era (no CE year in use is that large). A two-digit
    /// year is Buddhist Era, as offices abbreviate it, from 50 to 99 (2550–2599); below 50 it could
    /// as well be a Common Era year cut short, so it is refused rather than guessed.
    public static func parseDate(_ text: String) -> CalendarDate? {
        if let date = parseNumericDate(text) { return date }
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return nil }
        return parseThaiMonthDate(text)
    }

    /// Three runs of digits split by one kind of separator, read byte by byte: imports parse a
    /// date per cell, and this is where they spend their time otherwise.
    static func parseNumericDate(_ text: String) -> CalendarDate? {
        let bytes = text.utf8.drop { $0 == 0x20 }.reversed().drop { $0 == 0x20 }.reversed()
        var numbers: [Int] = [], digits: [Int] = [], current = 0, count = 0
        var separator: UInt8?
        for byte in bytes {
            switch byte {
            case 0x30...0x39:
                current = current * 10 + Int(byte - 0x30)
                count += 1
                if count > 4 { return nil }
            case 0x2F, 0x2D:
                guard separator == nil || separator == byte, count > 0 else { return nil }
                separator = byte
                numbers.append(current); digits.append(count)
                current = 0; count = 0
            default:
                return nil
            }
        }
        guard count > 0 else { return nil }
        numbers.append(current); digits.append(count)
        guard numbers.count == 3 else { return nil }
        if separator == 0x2F {
            guard let year = year(numbers[2], digits: digits[2]) else { return nil }
            return CalendarDate(year: year, month: numbers[1], day: numbers[0])
        }
        guard digits[0] == 4, let year = year(numbers[0], digits: 4) else { return nil }
        return CalendarDate(year: year, month: numbers[1], day: numbers[2])
    }

    /// `25 พฤศจิกายน 2569`, `25 พ.ย. 69`, `๒๕ พ.ย. พ.ศ. ๒๕๖๙`: a day, a Thai month, a year.
    static func parseThaiMonthDate(_ text: String) -> CalendarDate? {
        var rest = Substring(String(text.unicodeScalars.map(asciiDigit)))
        func skipSpaces() { rest = rest.drop { $0 == " " || $0 == "\u{00A0}" } }
        func number(maxDigits: Int) -> (value: Int, digits: Int)? {
            let run = rest.prefix { $0.isASCII && $0.isNumber }
            guard (1...maxDigits).contains(run.count), let value = Int(run) else { return nil }
            rest = rest.dropFirst(run.count)
            return (value, run.count)
        }
        skipSpaces()
        guard let day = number(maxDigits: 2) else { return nil }
        skipSpaces()
        // Longest name first, so that "มี.ค." is not read as "มี" and full names win over prefixes.
        guard let month = monthSpellings.first(where: { rest.hasPrefix($0.spelling) }) else { return nil }
        rest = rest.dropFirst(month.spelling.count)
        skipSpaces()
        if rest.hasPrefix("พ.ศ.") { rest = rest.dropFirst(4); skipSpaces() }
        guard let year = number(maxDigits: 4), let ce = self.year(year.value, digits: year.digits) else { return nil }
        skipSpaces()
        guard rest.isEmpty else { return nil }
        return CalendarDate(year: ce, month: month.month, day: day.value)
    }

    /// A year as written: four digits in either era, two digits in the Buddhist Era (69 = 2569).
    static func year(_ value: Int, digits: Int) -> Int? {
        switch digits {
        case 4: return value > 2400 ? commonEraYear(ofBuddhist: value) : value
        case 2 where value >= 50: return commonEraYear(ofBuddhist: 2500 + value)
        default: return nil
        }
    }

    /// Every way a month is written (full, abbreviated, abbreviated without dots), longest first.
    static let monthSpellings: [(spelling: String, month: Int)] = {
        var spellings: [(String, Int)] = []
        for month in 1...12 {
            let abbreviation = monthAbbreviations[month - 1]
            spellings += [
                (monthNames[month - 1], month), (abbreviation, month),
                (abbreviation.replacingDots(), month),
            ]
        }
        return spellings.sorted { $0.0.count > $1.0.count }
    }()

    /// Thai digits (๐–๙) as ASCII digits; everything else unchanged.
    static func asciiDigit(_ scalar: Unicode.Scalar) -> Character {
        (0x0E50...0x0E59).contains(scalar.value)
            ? Character(Unicode.Scalar(scalar.value - 0x0E50 + 0x30)!) : Character(scalar)
    }
}

extension String {
    fileprivate func replacingDots() -> String { String(filter { $0 != "." }) }
}
