import ArgumentParser
JWTBench.main()
