/// Interval logs written by HdrHistogram's Java `HistogramLogWriter` (excerpts of the public
/// domain test resources `jHiccup-2.0.7S.logV2.hlog` and `tagged-non-monotonic.hlog` of
/// HdrHistogram/HdrHistogram), to check we read what the reference writes.
enum JavaLogFixtures {
    static let jHiccup = """
        #[Logged with jHiccup version 2.0.7-SNAPSHOT]
        #[Histogram log format version 1.2]
        #[StartTime: 1441753532.570 (seconds since epoch), Tue Sep 08 16:05:32 PDT 2015]
        "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
        0.126,1.007,1.933,HISTFAAAAEB42pNpmSzMwMAgywABTBDKT4GBgdnNYMcCBvsPEBEjDT0FMTUxMT05LgEhPqmIeWxtTAKMTNxM6xmZmAAjcgjc
        1.133,1.000,0.377,HISTFAAAADx42pNpmSzMwMAgyQABTBDKT4GBgdnNYMcCBvsPEBEBDQUxCSkJMTEFOSExPhmbR6xfmPQ4GJmYAP4DCJg=
        2.133,1.001,0.328,HISTFAAAADl42pNpmSzMwMAgxgABTBDKT4GBgdnNYMcCBvsPEBEdKw09MQUFEQkbCTEhMZGAY6wbmFQ4AOqWCKo=
        7.134,1.515,960.496,HISTFAAAAJV42pNpmSzMwMDUwAABTBDKT4GBgdnNYMcCBvsPEBEWLi4eNkY2PiYOPhYOLgGOLuZjTGLrGZnKgTCYyZrJEoh1mWSZpMFQFkpyM/GCMTKJzOdkYoVCZjgLmc1MhDwzEyMQggl0SH1BbEJIgIUJC2AhUoxchSwsLGwsMIBgYRUkQyFBaQ4g4EIl0PlcpKtB4wMAh5wT+Q==
        13.132,1.221,897.581,HISTFAAAAJN42pNpmSzMwMBUyAABTBDKT4GBgdnNYMcCBvsPUBkRDjYWFiYONj42NjYeDq4JjOcYNY4yspQzlTN5MlkyWQOxJpM0kywQS0NpSSZuJl4gRCcRLE4mViBkBpOsaGxCojAWIwpE41JBkJA6dMDCxESUGGUKkQRZQICNBQawsSiTJqCQiwMI0AgOLsIEXmk2AGRbE3w=
        35.133,0.999,8.716,HISTFAAAAEx42pNpmSzMwMCgzQABTBDKT4GBgdnNYMcCBvsPEBE+CQUJAQEOAQkFEQ4BIR6xD0xPWCcwcsizNDMylQNhOJM1kyUQ6zMxAQC4Hwtg
        """

    static let tagged = """
        #[Histogram log format version 1.2]
        "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
        Tag=A,2.133,1.001,0.426,HISTFAAAAD942pNpmSzMwMAgwwABTBDKT4GBgdnNYMcCBvsPEBE+Ph4OLgk5OSkeIS4+LgEeswIDo1+MbmdYNASYAA51CSo=
        Tag=A,3.134,1.001,0.426,HISTFAAAAD942pNpmSzMwMAgwwABTBDKT4GBgdnNYMcCBvsPEBExPiEpITEFGTkRKSEeOR6FkCg1hTeMXvNYlHhYABQ5CTo=
        Tag=B,0.127,1.007,2.769,HISTFAAAAEV42pNpmSzMwMCgyAABTBDKT4GBgdnNYMcCBvsPEBEJISEuATEZMQ4uASkhIR4nrxg9v2lMaxhvMekILGZkKmcCAEf2CsI=
        Tag=B,1.134,0.999,0.442,HISTFAAAAEJ42pNpmSzMwMAgxwABTBDKT4GBgdnNYMcCBvsPEBEWLj45FTExAT4pBSEBKa6UkAgBi1uM7xjfMMlwMDABAC0CCjM=
        Tag=C,6.134,0.999,0.442,HISTFAAAAEF42pNpmSzMwMAgxwABTBDKT4GBgdnNYMcCBvsPEBEWIS4FITEhDiEJERE+GT6ZkhZGLbl7jEqrWHREmFgAIbAJMw==
        Tag=C,7.133,0.999,0.459,HISTFAAAAEJ42pNpmSzMwMCgwAABTBDKD8hndjPYsYDB/gNEhEtMQEBBTk5MQERCRkBEQEWlh9FJbg9jE+MS5ig1LhYmADkkCcE=
        """
}
