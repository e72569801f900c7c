# tests of control
