package dev.bbm.faults;

import java.util.SplittableRandom;

/** A choice of the chaos run that comes up more or less often than the others: a fault, an action. */
interface Weighted {

    /** How often it is chosen, relative to the others. */
    int weight();

    /** One of {@code choices}, each as often as its weight says. */
    static <E extends Weighted> E choose(E[] choices, SplittableRandom random) {
        int total = 0;
        for (E choice : choices) {
            total += choice.weight();
        }
        int pick = random.nextInt(total);
        for (E choice : choices) {
            pick -= choice.weight();
            if (pick < 0) {
                return choice;
            }
        }
        throw new IllegalStateException("no choice among " + choices.length);
    }
}
