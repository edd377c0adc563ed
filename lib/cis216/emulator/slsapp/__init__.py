"""The POP SLS API (Sls 2019-10-23, RPC at sls[.<region>].aliyuncs.com): Log Audit's DescribeApp."""
