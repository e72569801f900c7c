# failover-agentx
