package io.ccsync.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A seeded, realistic contact export: unicode names, varied phone formats and addresses, quoted fields with commas,
 * about 150 bytes a row, in the columns the shipped config/mapping.yaml reads. {@code changedEvery > 0} changes the
 * job title of every n-th row (a daily delta over the same people).
 */
public final class ContactCsv {
    private static final String[] FIRST = {"José", "Zoë", "Łukasz", "Søren", "Ana María", "François", "Jürgen",
        "Ольга", "Дмитрий", "山田", "美咲", "Nguyễn", "Çağla", "Ömer", "Siobhán", "Björk", "Renée", "Mårten", "Aïcha",
        "James", "Mary", "Robert", "Patricia", "Wei", "Priya", "Mohammed", "Fatima", "O'Brien", "Chloé", "Jiří"};
    private static final String[] LAST = {"García", "Müller", "Øvergård", "Kowalski", "Dubois", "Иванов",
        "Смирнова", "田中", "Nguyễn Văn", "Yılmaz", "Ó Súilleabháin", "Sigurðardóttir", "Núñez", "Smith", "Johnson",
        "Williams", "Brown", "Chen", "Patel", "Khan", "de la Cruz", "van der Berg", "Hernández", "Lefèvre", "Novák"};
    private static final String[] ASCII = {"a", "b", "c", "d", "e", "f", "g", "h", "k", "m", "n", "p", "r", "s", "t"};
    private static final String[] DOMAINS = {"example.com", "example.org", "mail.example.net", "corp.example.de",
        "example.co.uk", "example.fr"};
    private static final String[] TITLES = {"Engineer", "Head of Sales", "CFO", "Buyer", "Office Manager",
        "Directrice commerciale", "Einkäufer", "Consultant", "Nurse", "Teacher", "Architect", ""};
    private static final String[] STREETS = {"Main Street", "Rue de la Paix", "Hauptstraße", "Calle Mayor",
        "Ulica Długa", "High St", "Oak Avenue", "Kungsgatan", "Via Roma", "Park Lane"};
    private static final String[][] CITIES = {{"Springfield", "IL", "US"}, {"Paris", "", "FR"},
        {"München", "BY", "DE"}, {"Madrid", "", "ES"}, {"Kraków", "", "PL"}, {"London", "", "GB"},
        {"Toronto", "ON", "CA"}, {"Stockholm", "", "SE"}, {"Roma", "", "IT"}, {"Austin", "TX", "US"}};
    private static final String[] COLOURS = {"navy blue", "grün", "rouge", "赤", "amarillo", "zielony", "teal",
        "fioletowy", ""};
    static final String HEADER = "email,first_name,last_name,company,job_title,phone,street,city,state,postal_code,"
            + "country,favourite_colour";

    private ContactCsv() {
    }

    /** Writes {@code rows} rows to {@code file}; the same seed gives the same people. Returns the file's size. */
    public static long write(Path file, int rows, long seed, int changedEvery) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(HEADER);
            out.write("\r\n");
            for (int i = 1; i <= rows; i++) {
                out.write(row(i, new SplittableRandom(seed * 1_000_003L + i), changedEvery > 0 && i % changedEvery == 0));
                out.write("\r\n");
            }
        }
        return Files.size(file);
    }

    static String row(int i, SplittableRandom r, boolean changed) {
        String first = pick(FIRST, r);
        String last = pick(LAST, r);
        String email = pick(ASCII, r) + pick(ASCII, r) + "." + Integer.toString(i, 36) + "." + i + "@" + pick(DOMAINS, r);
        String company = switch (r.nextInt(4)) {
            case 0 -> "\"" + last + " & Söhne Maschinenbau, GmbH\"";
            case 1 -> last + " Consulting Partners Ltd";
            case 2 -> "";
            default -> "Acme " + r.nextInt(1000);
        };
        String title = changed ? "Promoted " + r.nextInt(100) : pick(TITLES, r);
        String phone = switch (r.nextInt(5)) {
            case 0 -> "+1 (" + (200 + r.nextInt(800)) + ") 555-" + (1000 + r.nextInt(9000));
            case 1 -> "+49 89 " + (1_000_000 + r.nextInt(9_000_000));
            case 2 -> "06 " + (10 + r.nextInt(90)) + " " + (10 + r.nextInt(90)) + " " + (10 + r.nextInt(90));
            case 3 -> "";
            default -> "+44 20 7946 " + (1000 + r.nextInt(9000));
        };
        String[] city = CITIES[r.nextInt(CITIES.length)];
        String street = r.nextInt(3) == 0 ? "\"" + (1 + r.nextInt(300)) + " " + pick(STREETS, r) + ", Apt "
                + (1 + r.nextInt(40)) + ", Building " + (char) ('A' + r.nextInt(6)) + "\"" : (1 + r.nextInt(300)) + " "
                + pick(STREETS, r) + " (rear entrance)";
        String postal = String.format("%05d", r.nextInt(100_000));
        return String.join(",", email, first, last, company, title, phone, street, city[0], city[1], postal, city[2],
                pick(COLOURS, r));
    }

    private static String pick(String[] values, SplittableRandom r) {
        return values[r.nextInt(values.length)];
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int rows = Integer.parseInt(args[1]);
        long size = write(file, rows, args.length > 2 ? Long.parseLong(args[2]) : 1, 0);
        System.out.printf("%s: %,d rows, %,d bytes (%.0f bytes/row)%n", file, rows, size, (double) size / rows);
    }
}
