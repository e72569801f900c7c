# MIB
