# tests of script
