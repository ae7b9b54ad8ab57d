package example;

/** A command-line tool: greets each name it is given, or the world. */
public final class Greet {
    public static void main(String[] args) {
        if (args.length == 0) {
            System.out.println("Hello, world!");
        }
        for (String name : args) {
            System.out.println("Hello, " + name + "!");
        }
    }
}
