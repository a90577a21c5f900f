package dev.haven.api.pty;

/** {@code struct winsize}. */
public record WinSize(int rows, int cols, int xpixel, int ypixel) {
    public WinSize {
        if (rows < 0 || cols < 0 || xpixel < 0 || ypixel < 0 || rows > 0xffff || cols > 0xffff || xpixel > 0xffff || ypixel > 0xffff) {
            throw new IllegalArgumentException("window size fields are unsigned shorts: " + rows + "x" + cols + " " + xpixel + "x" + ypixel);
        }
    }

    @Override
    public String toString() {
        return rows + "x" + cols;
    }
}
